"""An error of the tree as the gRPC status a caller gets: the code `STATUS` gives it, its
message, and the standard `google.rpc` details tools understand (grpcurl prints them):
`RetryInfo` when the caller may retry after a delay, `BadRequest` naming the fields at fault."""

from __future__ import annotations

from typing import Any, NoReturn

import grpc
from google.protobuf import any_pb2, duration_pb2
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status

from bridge.rate_limit import retry_delay_s
from generators.core.errors import AgentError, InvalidRequest, RateLimited, RequestError, status_of


def rich_status(error: AgentError) -> status_pb2.Status:
    """The `google.rpc.Status` for `error`."""
    code = grpc.StatusCode[status_of(error)[1]]
    status = status_pb2.Status(code=code.value[0], message=str(error))
    for detail in _details(error):
        packed = any_pb2.Any()
        packed.Pack(detail)
        status.details.append(packed)
    return status


def _details(error: AgentError) -> list[Any]:
    if isinstance(error, RateLimited):
        delay = duration_pb2.Duration()
        delay.FromMilliseconds(round(retry_delay_s(error.retry_after_s) * 1000))
        return [error_details_pb2.RetryInfo(retry_delay=delay)]
    if isinstance(error, InvalidRequest):
        violations = [
            error_details_pb2.BadRequest.FieldViolation(field=p.field, description=p.message)
            for p in error.problems
        ]
        return [error_details_pb2.BadRequest(field_violations=violations)]
    if isinstance(error, RequestError) and error.field:
        violation = error_details_pb2.BadRequest.FieldViolation(
            field=error.field, description=str(error)
        )
        return [error_details_pb2.BadRequest(field_violations=[violation])]
    return []


async def abort_with(context: grpc.aio.ServicerContext[Any, Any], error: AgentError) -> NoReturn:
    """End the call with `error`'s status (`abort_with_status` raises)."""
    await context.abort_with_status(rpc_status.to_status(rich_status(error)))
    msg = "abort_with_status returned"
    raise AssertionError(msg)  # pragma: no cover
