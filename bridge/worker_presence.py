"""Whether any worker is in the consumer group, asked of the broker at most once a second however
many calls wait.

A worker killed with `kill -9` sends nothing more; the broker drops it from the group once its
session times out (`WORKER_SESSION_TIMEOUT_S`, 10 s). A caller waiting on a group with no member
left is told at once (UNAVAILABLE) instead of after the reply idle timeout; while any worker is
a member, its partitions (and the request) are held or being handed over, so the caller waits.
"""

from __future__ import annotations

import asyncio

from aiokafka.errors import KafkaError

from clients.kafka_admin import KafkaAdmin


class WorkerPresence:
    def __init__(self, admin: KafkaAdmin, group_id: str, *, every_s: float = 1.0) -> None:
        self.group_id = group_id
        self._admin = admin
        self._every_s = every_s
        self._checked_at = float("-inf")
        self._members: int | None = None
        self._lock = asyncio.Lock()

    async def members(self) -> int | None:
        """Workers in the group (as of at most `every_s` ago); None when the broker could not
        say (Kafka's own failures are reported where requests are sent)."""
        loop = asyncio.get_running_loop()
        async with self._lock:
            if loop.time() - self._checked_at >= self._every_s:
                try:
                    self._members = await self._admin.group_members(self.group_id)
                except (KafkaError, OSError, TimeoutError):
                    self._members = None
                self._checked_at = loop.time()
            return self._members
