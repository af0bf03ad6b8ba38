"""The leak half of invariant I: a process's memory and descriptors, and a run's topics.

Read from /proc/<pid> of the worker and bridge processes: resident memory (VmRSS) and open
descriptors. Growth is measured between two points of one steady load (call 100 and call
1,000), so start-up allocations and caches warming up do not count.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from clients.kafka_admin import KafkaAdmin
from config import Settings

#: How much a process may grow between the two points of a steady load
RSS_GROWTH_LIMIT_KB = 5 * 1024
FD_DRIFT_LIMIT = 2


@dataclass(frozen=True, slots=True)
class Usage:
    rss_kb: int
    fds: int


def usage(pid: int) -> Usage:
    """What process `pid` holds now."""
    rss_kb = 0
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                rss_kb = int(line.split()[1])
    return Usage(rss_kb, len(os.listdir(f"/proc/{pid}/fd")))


def growth_problems(who: str, before: Usage, after: Usage) -> list[str]:
    """`who` grew more than the invariant allows between `before` and `after`."""
    problems: list[str] = []
    grown = after.rss_kb - before.rss_kb
    if grown > RSS_GROWTH_LIMIT_KB:
        problems.append(f"{who}: RSS grew {grown / 1024:.1f} MB (limit +5 MB)")
    drift = after.fds - before.fds
    if abs(drift) > FD_DRIFT_LIMIT:
        problems.append(f"{who}: descriptors went from {before.fds} to {after.fds} (limit ±2)")
    return problems


async def run_topics(settings: Settings) -> set[str]:
    """The topics of this run (named after its bridge id): its service and reply topics."""
    async with KafkaAdmin.from_settings(settings.kafka) as admin:
        return {t for t in await admin.list_topics() if settings.bridge_id in t}


async def reply_topics(settings: Settings) -> set[str]:
    """The reply topics of this run's bridge."""
    prefix = f"{settings.reply_topic_prefix}{settings.bridge_id}."
    return {t for t in await run_topics(settings) if t.startswith(prefix)}
