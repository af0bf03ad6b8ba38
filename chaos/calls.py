"""A caller of the bridge, keeping everything it receives as an `Answer` (for invariant I)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import grpc

from chaos.invariant import Answer, Chunk
from contracts._proto import test_data_pb2 as pb
from contracts._proto import test_data_pb2_grpc as pb_grpc


def request(tag: str, entity: str = "user", count: int = 10, **fields: Any) -> pb.GenerateRequest:
    """A request with an id of its own (the invariant follows answers by request id)."""
    request_id = f"chaos-{tag}-{uuid.uuid4().hex[:10]}"
    return pb.GenerateRequest(request_id=request_id, entity=entity, count=count, **fields)


async def stream(
    stub: pb_grpc.TestDataServiceStub,
    message: pb.GenerateRequest,
    *,
    timeout: float,
    on_chunk: Callable[[Answer], None] = lambda _answer: None,
) -> Answer:
    """A GenerateDataStream call to its end; `on_chunk` sees the answer after each chunk (a
    scenario kills something there)."""
    answer = Answer(message.request_id, message.count, started=time.monotonic())
    try:
        async for chunk in stub.GenerateDataStream(message, timeout=timeout):
            answer.chunks.append(
                Chunk(
                    chunk.request_id,
                    chunk.chunk_index,
                    chunk.is_final,
                    chunk.record_count,
                    chunk.data,
                )
            )
            on_chunk(answer)
    except grpc.aio.AioRpcError as error:
        answer.status, answer.details = error.code().name, error.details() or ""
    answer.ended = time.monotonic()
    return answer


async def unary(
    stub: pb_grpc.TestDataServiceStub, message: pb.GenerateRequest, *, timeout: float
) -> tuple[Answer, pb.GenerationMetadata]:
    """A GenerateData call: its answer as one final chunk, and the metadata it came with."""
    answer = Answer(message.request_id, message.count, started=time.monotonic())
    metadata = pb.GenerationMetadata()
    try:
        response = await stub.GenerateData(message, timeout=timeout)
    except grpc.aio.AioRpcError as error:
        answer.status, answer.details = error.code().name, error.details() or ""
    else:
        metadata = response.metadata
        answer.chunks.append(
            Chunk(response.request_id, 0, True, response.record_count, response.data)
        )
    answer.ended = time.monotonic()
    return answer, metadata


def took(answer: Answer, since: float | None = None) -> float:
    """Seconds from `since` (default: the call's start) to the call's end."""
    ended = answer.ended if answer.ended is not None else time.monotonic()
    return round(ended - (answer.started if since is None else since), 2)


def said(metadata: pb.GenerationMetadata) -> str:
    """The routing reason and fallbacks of an answer, as one text (what a caller reads)."""
    return " ".join([metadata.routing_reason, *metadata.fallbacks])
