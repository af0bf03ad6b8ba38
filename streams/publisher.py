"""What the worker's core needs from Kafka: publishing bytes, in order, with backpressure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class Publisher(Protocol):
    async def publish(
        self,
        topic: str,
        key: bytes,
        value: bytes | None,
        headers: Sequence[tuple[str, bytes]] = (),
    ) -> None:
        """Queue a message. Messages to the same topic keep their order; may wait for room.
        `headers` are Kafka headers (the trace context, progress); a None value is a record
        with no value (progress)."""

    async def flush(self) -> None:
        """Return once every message queued so far is acknowledged by the broker."""
