"""The one exception tree: every error the service raises on purpose, and what a caller sees.

```
AgentError                      root; anything else that escapes is a bug (INTERNAL)
├── RequestError                the caller's input cannot be served as given: INVALID_ARGUMENT
│   ├── InvalidRequest          validation problems, each naming the request field at fault
│   ├── UnknownSchemaError      no predefined schema of that name, and no custom fields
│   ├── ScenarioPlanError       scenario counts no plan can honour
│   ├── UnsupportedRegexError   a regex constraint values cannot be built for
│   │   └── RegexLengthError    ... within the field's min_length/max_length
│   ├── SqlValueError           a record value its SQL column cannot hold
│   ├── AlreadyInFlight         the request id is already waiting on this bridge: ALREADY_EXISTS
│   └── InvalidEvent            an event on a topic: dead-lettered with the reason
│       ├── UndecodableEvent    not Confluent-framed Avro of the topic's contract
│       └── InvalidLearningEvent  a defect or feedback event naming a bad field
├── Unavailable                 a service we depend on is down; try again later: UNAVAILABLE
│   ├── KafkaUnavailable        the broker failed a publish or a read
│   ├── NoAnswer                no worker answered within the idle timeout
│   ├── PatternStoreUnavailable the knowledge base (Weaviate)
│   └── PoolUnavailable         the data-pool cache (Redis)
├── DeadlineExceeded            the caller's deadline came before the answer: DEADLINE_EXCEEDED
├── Cancelled                   nobody waits for the answer any more (caller cancelled): CANCELLED
├── Busy                        no capacity for the caller now; try again later: RESOURCE_EXHAUSTED
│   ├── ReplyTopicsBusy         every reply topic stayed taken while the caller waited
│   └── RateLimited             the caller spent its request budget (`retry_after_s`)
├── AccessDenied                the caller may not make this call: PERMISSION_DENIED
│   ├── Unauthenticated         no bearer token, or one no client holds: UNAUTHENTICATED
│   └── PermissionDenied        a token without the scope the method needs (`scope`)
├── KnowledgeRejected           the knowledge base answered but refused the data: INTERNAL
└── LLMError                    a model backend could not serve a batch (`reason`); the fallback
    │                           chain moves on, so callers never see these
    ├── LLMUnavailableError     no API key: never called
    │   └── LLMCircuitOpenError the backend's circuit breaker refused the call: never called
    ├── LLMCallError            the API failed after the SDK's retries (`status`, `retry_after_s`)
    │   └── LLMTimeoutError
    ├── LLMRefusalError
    └── LLMOutputError          unparseable or invalid output on every attempt
```

`STATUS` is the one table from error to what the caller gets: the `ErrorCode` a worker writes in
a reply's final chunk and the gRPC status the bridge answers with. Edges (Kafka, Redis, Weaviate,
the LLM SDKs) translate their libraries' exceptions into this tree where they catch them, so
nothing above an edge catches a library's exception.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final


class ErrorCode(StrEnum):
    """The error codes of a reply's final chunk (Avro `ErrorCode`); each value is the name of
    the gRPC status the bridge answers with."""

    INVALID_ARGUMENT = "INVALID_ARGUMENT"
    UNAVAILABLE = "UNAVAILABLE"
    DEADLINE_EXCEEDED = "DEADLINE_EXCEEDED"
    RESOURCE_EXHAUSTED = "RESOURCE_EXHAUSTED"
    INTERNAL = "INTERNAL"
    CANCELLED = "CANCELLED"


class AgentError(Exception):
    """Root of every error Test Data Agent raises on purpose."""


# --- the caller's input -----------------------------------------------------------------------


class RequestError(AgentError):
    """The request (or event) cannot be served as given; `field` names the part at fault when
    one does."""

    field: str = ""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a request: the field, as the request spells it, and what is wrong."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class InvalidRequest(RequestError):
    """A request that failed validation; the message lists every problem."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(map(str, problems)))
        self.problems = tuple(problems)
        self.field = problems[0].field if problems else ""


class UnknownSchemaError(RequestError):
    """The request names no predefined schema we know and brings no custom fields."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        self.known = known
        wanted = f"unknown schema {name!r}" if name else "no entity, predefined schema or fields"
        super().__init__(f"{wanted}; known schemas: {', '.join(known)}; or send custom fields")


class ScenarioPlanError(RequestError):
    """Scenario counts that no plan can honour (negative, or more than `count`)."""


class UnsupportedRegexError(RequestError, ValueError):
    """A regex constraint values cannot be built for (lookarounds, backreferences to optional
    groups, repeats too large to build)."""


class RegexLengthError(UnsupportedRegexError):
    """No match of the regex has a length within the field's min_length/max_length."""


class SqlValueError(RequestError, ValueError):
    """A record value that its SQL column cannot hold (text in a BIGINT column, a NUL)."""


class AlreadyInFlight(RequestError):
    """A request with this id is already waiting for its answer on this bridge."""


class InvalidEvent(RequestError):
    """An event on a topic that cannot be processed; it goes to the dead-letter topic."""


class UndecodableEvent(InvalidEvent):
    """Bytes on a topic that are not a Confluent-framed Avro record of the expected contract."""


class InvalidLearningEvent(InvalidEvent, ValueError):
    """A defect or feedback event the knowledge base cannot take; `field` names the culprit."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field


# --- services we depend on --------------------------------------------------------------------


class Unavailable(AgentError):
    """A service the request needs is down or unreachable; the message names it and the cause."""


class KafkaUnavailable(Unavailable):
    """The broker failed a publish or a read."""


class KafkaRefused(KafkaUnavailable):
    """The brokers refuse this client (its credentials, its TLS handshake, its ACLs): unlike an
    outage, waiting does not help, so a process starting up exits saying so."""


class NoAnswer(Unavailable):
    """The workers stopped answering: nothing arrived within the idle timeout."""


class PatternStoreUnavailable(Unavailable):
    """The knowledge base cannot be reached; the message names it and the cause."""


class PoolUnavailable(Unavailable):
    """The data-pool store cannot be reached or answered badly; the message names both."""


class DeadlineExceeded(AgentError):
    """The caller's deadline came before the answer."""


class Cancelled(AgentError):
    """The caller stopped waiting (it cancelled the call, or gave up on it): the worker stops
    generating and calling models for it, and ends the answer with one final chunk."""


class Busy(AgentError):
    """There is no capacity for the caller now; the same call may succeed later."""


class ReplyTopicsBusy(Busy):
    """Every reply topic of this bridge stayed leased for as long as the caller could wait."""


class RateLimited(Busy):
    """The caller made more calls than its rate allows; one more is allowed after
    `retry_after_s` seconds."""

    def __init__(self, message: str, *, retry_after_s: float) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


# --- who may call -----------------------------------------------------------------------------


class AccessDenied(AgentError):
    """The caller may not make this call; the message says what it lacks, never a token."""


class Unauthenticated(AccessDenied):
    """The call carries no bearer token, or one that no configured client holds."""


class PermissionDenied(AccessDenied):
    """The caller's token is valid but lacks `scope`, which the method needs."""

    def __init__(self, message: str, *, scope: str) -> None:
        super().__init__(message)
        self.scope = scope


class KnowledgeRejected(AgentError):
    """The knowledge base answered but refused the data: retrying would not help."""


# --- model backends ---------------------------------------------------------------------------


class FallbackReason(StrEnum):
    """Why a step of the LLM fallback chain gave up; recorded in the metadata and the logs."""

    MISSING_KEY = "missing_key"
    TIMEOUT = "timeout"
    REFUSAL = "refusal"
    INVALID_OUTPUT = "invalid_output"
    API_ERROR = "api_error"
    CIRCUIT_OPEN = "circuit_open"
    NOTHING_FOR_LLM = "nothing_for_llm"


class LLMError(AgentError):
    """A model backend could not serve a batch; `reason` says why the chain moved on."""

    reason: FallbackReason = FallbackReason.API_ERROR


class LLMUnavailableError(LLMError):
    """The backend is not configured (no API key): it was never called."""

    reason = FallbackReason.MISSING_KEY


class LLMCircuitOpenError(LLMUnavailableError):
    """The backend's circuit breaker refused the call after repeated outages: it was never
    called. A kind of unavailable, but its own reason, so the metadata does not blame a key.
    `probing` says another call is probing the backend right now: it may be back at once."""

    reason = FallbackReason.CIRCUIT_OPEN

    def __init__(self, message: str, *, probing: bool = False) -> None:
        super().__init__(message)
        self.probing = probing


class LLMCallError(LLMError):
    """The API answered with an error, or not at all, after the client's own retries. `status`
    is the HTTP status (None: no HTTP answer at all), `retry_after_s` how long the server asked
    the client to wait (its `retry-after` headers), which the circuit breaker honours."""

    reason = FallbackReason.API_ERROR

    def __init__(
        self, message: str, *, status: int | None = None, retry_after_s: float | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after_s = retry_after_s


class LLMTimeoutError(LLMCallError):
    reason = FallbackReason.TIMEOUT


class LLMRefusalError(LLMError):
    """The model declined to answer."""

    reason = FallbackReason.REFUSAL


class LLMOutputError(LLMError):
    """Output that could not be parsed, or records that failed validation on every attempt;
    `kept` counts the records of the batch the backend did write validly meanwhile."""

    reason = FallbackReason.INVALID_OUTPUT

    def __init__(self, message: str, problems: tuple[str, ...] = (), *, kept: int = 0) -> None:
        super().__init__(message)
        self.problems = problems
        self.kept = kept


# --- what a caller sees -----------------------------------------------------------------------

#: Error class -> (reply error code, gRPC status name). The most specific class listed wins;
#: an exception outside the tree is a bug and answers INTERNAL.
STATUS: Final[Mapping[type[AgentError], tuple[ErrorCode, str]]] = MappingProxyType(
    {
        AgentError: (ErrorCode.INTERNAL, "INTERNAL"),
        RequestError: (ErrorCode.INVALID_ARGUMENT, "INVALID_ARGUMENT"),
        AlreadyInFlight: (ErrorCode.INVALID_ARGUMENT, "ALREADY_EXISTS"),
        Unavailable: (ErrorCode.UNAVAILABLE, "UNAVAILABLE"),
        DeadlineExceeded: (ErrorCode.DEADLINE_EXCEEDED, "DEADLINE_EXCEEDED"),
        Cancelled: (ErrorCode.CANCELLED, "CANCELLED"),
        Busy: (ErrorCode.RESOURCE_EXHAUSTED, "RESOURCE_EXHAUSTED"),
        # Only the bridge refuses callers, so no reply chunk carries these; the reply code is
        # the caller's-fault one the Avro `ErrorCode` has.
        AccessDenied: (ErrorCode.INVALID_ARGUMENT, "PERMISSION_DENIED"),
        Unauthenticated: (ErrorCode.INVALID_ARGUMENT, "UNAUTHENTICATED"),
    }
)


def status_of(error: BaseException) -> tuple[ErrorCode, str]:
    """The reply error code and gRPC status name for `error` (see `STATUS`)."""
    for cls in type(error).__mro__:
        found = STATUS.get(cls)
        if found is not None:
            return found
    return ErrorCode.INTERNAL, "INTERNAL"
