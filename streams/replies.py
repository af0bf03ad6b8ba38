"""Writing one request's answer as numbered DataChunk events on its reply topic, and progress
records (no value, no chunk index) while it is being generated."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from contracts.avro import AvroCodec, Contract
from contracts.delivery import progress_headers
from generators.core.errors import RequestError, status_of
from observability.tracing import kafka_headers
from streams.publisher import Publisher


@dataclass(slots=True)
class ReplyWriter:
    """Numbers the chunks of one request; exactly one final chunk ends every answer."""

    publisher: Publisher
    codec: AvroCodec
    topic: str
    request_id: str
    next_index: int = 0
    #: Records in the data chunks sent so far
    records_sent: int = 0
    finished: bool = False
    #: The reply error code of the final chunk when it was an error
    error_code: str | None = None

    async def data(self, text: str, record_count: int) -> None:
        await self._send(text, record_count, is_final=False)

    async def final(self, text: str, record_count: int, metadata: Mapping[str, Any]) -> None:
        await self._send(text, record_count, is_final=True, metadata=dict(metadata))

    async def progress(self) -> None:
        """Say that the answer is still being generated (`contracts.delivery`)."""
        if not self.finished:
            headers = [*progress_headers(self.records_sent), *kafka_headers()]
            await self.publisher.publish(self.topic, self.request_id.encode(), None, headers)

    async def error(self, error: BaseException, *, prefix: str = "") -> None:
        """The final chunk for a request that failed: its code from `STATUS`, its message, and
        the request field at fault when the error names one."""
        code, _status = status_of(error)
        self.error_code = code.value
        field = error.field if isinstance(error, RequestError) else ""
        chunk_error = {"code": code.value, "message": f"{prefix}{error}", "field": field}
        await self._send("", 0, is_final=True, error=chunk_error)

    async def _send(
        self,
        text: str,
        record_count: int,
        *,
        is_final: bool,
        metadata: dict[str, Any] | None = None,
        error: dict[str, Any] | None = None,
    ) -> None:
        if self.finished:
            msg = f"request {self.request_id}: the final chunk was already sent"
            raise RuntimeError(msg)
        chunk = {
            "request_id": self.request_id,
            "chunk_index": self.next_index,
            "is_final": is_final,
            "data": text,
            "record_count": record_count,
            "metadata": metadata,
            "error": error,
        }
        self.next_index += 1
        self.records_sent += record_count
        self.finished = is_final
        # Shielded: a generation stopped (cancelled, past its deadline) while a chunk is being
        # queued still queues it, so the final chunk that follows leaves no gap in the indexes.
        await asyncio.shield(
            self.publisher.publish(
                self.topic,
                self.request_id.encode(),
                self.codec.encode(Contract.DATA_CHUNK, chunk),
                kafka_headers(),
            )
        )
