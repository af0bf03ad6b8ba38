"""An in-memory `Publisher`: the worker's flows run against it in tests, without a broker."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from contracts.avro import AvroCodec, Contract
from contracts.delivery import PROGRESS_HEADER


class MemoryPublisher:
    """Keeps every message published, in order; `flush` marks them all acknowledged."""

    def __init__(self, codec: AvroCodec | None = None) -> None:
        self.sent: list[tuple[str, bytes, bytes | None]] = []
        self.headers: list[list[tuple[str, bytes]]] = []
        self.flushed = 0
        self._codec = codec or AvroCodec()

    async def publish(
        self,
        topic: str,
        key: bytes,
        value: bytes | None,
        headers: Sequence[tuple[str, bytes]] = (),
    ) -> None:
        self.sent.append((topic, key, value))
        self.headers.append(list(headers))

    async def flush(self) -> None:
        self.flushed = len(self.sent)

    def decoded(self, topic: str, contract: Contract) -> list[dict[str, Any]]:
        """The events published to `topic`, decoded as `contract` (progress records, which
        have no value, are left out)."""
        return [
            self._codec.decode(contract, value)
            for t, _, value in self.sent
            if t == topic and value is not None
        ]

    def progress(self, topic: str) -> list[int]:
        """The records-so-far of each progress record published to `topic`, in order."""
        return [
            int(dict(headers)[PROGRESS_HEADER])
            for (t, _, value), headers in zip(self.sent, self.headers, strict=True)
            if t == topic and value is None
        ]
