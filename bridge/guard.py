"""Who may call what, how often: one grpc.aio server interceptor in front of every servicer.

Each call to a guarded method is authenticated (when `auth_tokens` is set), checked for the
method's scope, then charged to its client's token bucket, in that order, before the servicer
sees it. A refusal is an error of the tree (`Unauthenticated`, `PermissionDenied`,
`RateLimited`) answered with the status `STATUS` gives it (`bridge.status`). The health checks
(`HealthCheck`, `grpc.health.v1.Health`) and server reflection are open and never limited: a
load balancer or grpcurl must reach them whatever the callers do.

An interceptor rather than checks in the servicer: the policy is one table by method name,
applied the same way to unary and server-streaming methods and to any servicer added later,
and the servicer stays about generation.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import grpc
from grpc_health.v1 import health

from bridge.auth import CLIENT_ID_KEY, Authenticator, client_identity
from bridge.rate_limit import RateLimiter, retry_delay_s
from bridge.status import abort_with
from config.settings import BridgeSettings, Scope
from contracts._proto import test_data_pb2 as pb
from generators.core.errors import AccessDenied, AgentError, RateLimited

log = logging.getLogger(__name__)

SERVICE_NAME: str = pb.DESCRIPTOR.services_by_name["TestDataService"].full_name
#: Services whose every method is open: health and reflection (v1 and v1alpha).
OPEN_SERVICES = frozenset(
    {
        health.SERVICE_NAME,
        "grpc.reflection.v1.ServerReflection",
        "grpc.reflection.v1alpha.ServerReflection",
    }
)


@dataclass(frozen=True, slots=True)
class Policy:
    """What a call needs: a scope (None: any authenticated client) and a rate-limit charge."""

    scope: Scope | None
    limited: bool = True


OPEN = Policy(scope=None, limited=False)
#: TestDataService's methods; one not listed needs an authenticated client and is limited.
POLICIES: Mapping[str, Policy] = {
    "GenerateData": Policy("generate"),
    "GenerateDataStream": Policy("stream"),
    "GetSchemas": Policy(None),
    "HealthCheck": OPEN,
    "ReportDefect": Policy("admin"),
    "SubmitFeedback": Policy("admin"),
}
_GUARDED = Policy(None)


def policy_of(method: str) -> Policy:
    """The policy for a full method name, `/package.Service/Method`."""
    service, _, name = method.lstrip("/").partition("/")
    if service in OPEN_SERVICES:
        return OPEN
    if service == SERVICE_NAME:
        return POLICIES.get(name, _GUARDED)
    return _GUARDED


class Guard:
    """The checks a call goes through; raises an error of the tree when it may not proceed."""

    def __init__(self, authenticator: Authenticator, limiter: RateLimiter) -> None:
        self._authenticator = authenticator
        self._limiter = limiter

    @classmethod
    def from_settings(cls, bridge: BridgeSettings) -> Guard:
        return cls(
            Authenticator(bridge.auth_tokens),
            RateLimiter(bridge.rate_limit_per_s, bridge.rate_limit_burst),
        )

    @property
    def idle(self) -> bool:
        """True when there is nothing to check (no auth, no limit)."""
        return not self._authenticator.enabled and not self._limiter.enabled

    def check(self, method: str, metadata: Mapping[str, str], peer: str) -> None:
        policy = policy_of(method)
        if policy is OPEN:
            return
        short = method.rpartition("/")[2]
        client = self._authenticator.authenticate(metadata.get("authorization"))
        self._authenticator.authorize(client, policy.scope, short)
        if policy.limited:
            who = client_identity(client, metadata.get(CLIENT_ID_KEY), peer)
            wait = self._limiter.acquire(who)
            if wait > 0:
                msg = (
                    f"rate limit of {self._limiter.describe()} per client exceeded; "
                    f"retry in {retry_delay_s(wait):.3f}s"
                )
                raise RateLimited(msg, retry_after_s=wait)


def _metadata(context: grpc.aio.ServicerContext[Any, Any]) -> dict[str, str]:
    """The call's text metadata (binary `-bin` values are not looked at); first value wins."""
    found: dict[str, str] = {}
    for key, value in context.invocation_metadata() or ():
        if isinstance(value, str):
            found.setdefault(key.lower(), value)
    return found


class GuardInterceptor(grpc.aio.ServerInterceptor):  # type: ignore[misc]
    """Runs `Guard.check` at the start of every guarded call, unary or streaming."""

    def __init__(self, guard: Guard) -> None:
        self._guard = guard

    async def intercept_service(
        self,
        continuation: Callable[[Any], Awaitable[Any]],
        handler_call_details: Any,
    ) -> Any:
        handler = await continuation(handler_call_details)
        method: str = handler_call_details.method
        if handler is None or self._guard.idle or policy_of(method) is OPEN:
            return handler
        guard = self._guard

        async def checked(context: grpc.aio.ServicerContext[Any, Any]) -> None:
            try:
                guard.check(method, _metadata(context), context.peer() or "")
            except AgentError as error:
                if isinstance(error, AccessDenied):
                    log.info("refused %s from %s: %s", method, context.peer(), error)
                await abort_with(context, error)

        if handler.response_streaming:
            inner_stream = handler.stream_stream or handler.unary_stream

            async def streaming(request: Any, context: Any) -> AsyncIterator[Any]:
                await checked(context)
                answer = inner_stream(request, context)
                if inspect.isasyncgen(answer):
                    async for response in answer:
                        yield response
                else:  # a servicer that writes with context.write()
                    await answer

            kind = "stream_stream" if handler.request_streaming else "unary_stream"
            return handler._replace(**{kind: streaming})

        inner = handler.stream_unary or handler.unary_unary

        async def unary(request: Any, context: Any) -> Any:
            await checked(context)
            return await inner(request, context)

        kind = "stream_unary" if handler.request_streaming else "unary_unary"
        return handler._replace(**{kind: unary})
