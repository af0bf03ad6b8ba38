"""Starting against a Kafka that is not up yet: try again, saying so, rather than exit.

A process started before its broker (a supervisor starting everything at once, a broker being
restarted) retries after 1 s, then twice as long each time up to 5 s, so it serves within 5 s of
the broker coming up. Brokers that refuse the client (`KafkaRefused`: credentials, TLS, ACLs) are
not waited for: that raises at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Final, TypeVar

from generators.core.errors import KafkaRefused, KafkaUnavailable

log = logging.getLogger(__name__)

RETRY_FIRST_S: Final = 1.0
RETRY_MAX_S: Final = 5.0

T = TypeVar("T")


async def once_kafka_answers(attempt: Callable[[], Awaitable[T]], doing: str) -> T:
    """`attempt()`'s result, retried while it raises `KafkaUnavailable` (logging "`doing`
    again in Ns: why"); a cancellation (a stop signal) ends the waiting."""
    delay = RETRY_FIRST_S
    while True:
        try:
            return await attempt()
        except KafkaRefused:
            raise
        except KafkaUnavailable as exc:
            log.warning("%s again in %.0fs: %s", doing, delay, exc)
        await asyncio.sleep(delay)
        delay = min(delay * 2, RETRY_MAX_S)
