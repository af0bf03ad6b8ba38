"""The TestDataService servicer: thin, it validates, delegates to the exchange (requests) or
the learning events (defects, feedback) and maps errors. Who may call is `bridge.guard`'s."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable
from datetime import UTC, datetime
from typing import Any

import grpc

from bridge.exchange import RequestExchange
from bridge.learning_events import LearningEvents, Published
from bridge.status import abort_with
from config.settings import GenerationSettings
from contracts._proto import test_data_pb2 as pb
from contracts._proto import test_data_pb2_grpc as pb_grpc
from contracts.learning import defect_event, feedback_event
from contracts.proto import metadata_to_proto, schema_info
from contracts.requests import request_from_proto
from generators.core.errors import AgentError, InvalidLearningEvent, InvalidRequest, Problem
from generators.core.request import GenerationRequest
from generators.entities.registry import list_schemas
from generators.output.registry import merge_chunks
from generators.quality.validation import validate_request
from observability.health import HealthChecker


class TestDataServicer(pb_grpc.TestDataServiceServicer):
    def __init__(
        self,
        limits: GenerationSettings,
        exchange: RequestExchange,
        health: HealthChecker,
        events: LearningEvents,
    ) -> None:
        self._limits = limits
        self._exchange = exchange
        self._health = health
        self._events = events

    async def GenerateData(
        self, request: pb.GenerateRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.GenerateResponse:
        accepted = await self._accept(request, context, sync=True)
        parts: list[str] = []
        final: dict[str, Any] = {}
        async for chunk in self._chunks(accepted, context):
            parts.append(chunk["data"])
            final = chunk
        data = merge_chunks(accepted.output_format, parts)
        metadata = final["metadata"]
        return pb.GenerateResponse(
            request_id=accepted.request_id,
            success=True,
            data=data,
            record_count=metadata["record_count"],
            metadata=metadata_to_proto(metadata),
        )

    async def GenerateDataStream(
        self, request: pb.GenerateRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> AsyncIterator[pb.DataChunk]:
        accepted = await self._accept(request, context, sync=False)
        async for chunk in self._chunks(accepted, context):
            metadata = chunk["metadata"]
            yield pb.DataChunk(
                request_id=accepted.request_id,
                data=chunk["data"],
                chunk_index=chunk["chunk_index"],
                is_final=chunk["is_final"],
                record_count=chunk["record_count"],
                metadata=metadata_to_proto(metadata) if metadata else None,
            )

    async def GetSchemas(
        self, request: pb.GetSchemasRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.GetSchemasResponse:
        return pb.GetSchemasResponse(schemas=[schema_info(s) for s in list_schemas(request.domain)])

    async def HealthCheck(
        self, request: pb.HealthCheckRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.HealthCheckResponse:
        report = await self._health.report()
        return pb.HealthCheckResponse(status=report.status, components=report.components)

    async def ReportDefect(
        self, request: pb.ReportDefectRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.EventAccepted:
        event = defect_event(
            request, defect_id=f"defect-{uuid.uuid4()}", received_at=datetime.now(UTC)
        )
        return await self._acknowledge(context, self._events.report_defect(event))

    async def SubmitFeedback(
        self, request: pb.SubmitFeedbackRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.EventAccepted:
        if not request.HasField("quality_score"):
            missing = InvalidLearningEvent("quality_score", "is required: a number from 0 to 1")
            await abort_with(context, missing)
        event = feedback_event(
            request, feedback_id=f"feedback-{uuid.uuid4()}", received_at=datetime.now(UTC)
        )
        return await self._acknowledge(context, self._events.submit_feedback(event))

    async def _accept(
        self,
        message: pb.GenerateRequest,
        context: grpc.aio.ServicerContext[Any, Any],
        *,
        sync: bool,
    ) -> GenerationRequest:
        request = request_from_proto(
            message, request_id=message.request_id or str(uuid.uuid4()), reply_topic=""
        )
        problems = validate_request(
            request,
            max_records=self._limits.max_records,
            max_context_bytes=self._limits.max_context_bytes,
        )
        limit = self._limits.max_sync_records
        if sync and limit < request.count <= self._limits.max_records:
            too_many = (
                f"{request.count} records is more than GenerateData's limit of {limit}; "
                "use GenerateDataStream for large requests"
            )
            problems.append(Problem("count", too_many))
        if problems:
            await abort_with(context, InvalidRequest(problems))
        return request

    async def _chunks(
        self, request: GenerationRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> AsyncIterator[dict[str, Any]]:
        """The request's chunks; a worker's error chunk or a failed exchange aborts the call."""
        remaining = context.time_remaining()
        deadline = None if remaining is None else asyncio.get_running_loop().time() + remaining
        try:
            async with contextlib.aclosing(self._exchange.chunks(request, deadline)) as chunks:
                async for chunk in chunks:
                    error = chunk["error"]
                    if error is not None:
                        code = grpc.StatusCode[error["code"]]
                        await context.abort(code, error["message"])
                    yield chunk
        except AgentError as exc:
            await abort_with(context, exc)

    @staticmethod
    async def _acknowledge(
        context: grpc.aio.ServicerContext[Any, Any], published: Awaitable[Published]
    ) -> pb.EventAccepted:
        try:
            stored = await published
        except AgentError as exc:
            await abort_with(context, exc)
        return pb.EventAccepted(
            event_id=stored.event_id,
            topic=stored.topic,
            partition=stored.partition,
            offset=stored.offset,
        )
