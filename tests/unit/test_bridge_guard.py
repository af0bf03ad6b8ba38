"""Who may call the bridge, and how often: bearer tokens and scopes, client identity, the
method table, the statuses refusals become, and the message-size check."""

from __future__ import annotations

from datetime import UTC, datetime

import grpc
import pytest
from google.rpc import error_details_pb2
from pydantic import SecretStr

from bridge.auth import Authenticator, client_identity, peer_host
from bridge.guard import OPEN, Guard, policy_of
from bridge.message_size import check_message_size
from bridge.rate_limit import RateLimiter
from bridge.status import rich_status
from config.settings import ClientToken, Scope
from contracts._proto import test_data_pb2 as pb
from contracts.avro import AvroCodec, Contract
from contracts.learning import defect_event, feedback_event
from generators.core.errors import (
    InvalidRequest,
    PermissionDenied,
    Problem,
    RateLimited,
    Unauthenticated,
    status_of,
)

SECRET = "s3cret-token-for-qa"
TOKENS = {
    "qa-bot": ClientToken(token=SecretStr(SECRET), scopes=frozenset({"generate"})),
    "loader": ClientToken(token=SecretStr("loader-token"), scopes=frozenset({"stream"})),
    "ops": ClientToken(token=SecretStr("ops-token"), scopes=frozenset({"admin"})),
}
SERVICE = "/testdata.v1.TestDataService"


def test_without_tokens_configured_everyone_is_anonymous() -> None:
    auth = Authenticator(None)

    assert not auth.enabled
    assert auth.authenticate(None) is None
    auth.authorize(None, "admin", "ReportDefect")


@pytest.mark.parametrize(
    ("header", "why"),
    [
        (None, "needs `authorization: Bearer <token>`"),
        ("", "needs `authorization: Bearer <token>`"),
        (f"Basic {SECRET}", "not a bearer token"),
        ("Bearer not-a-token", "not valid"),
        (f"Bearer {SECRET}x", "not valid"),
        ("Bearer ", "not valid"),
    ],
)
def test_a_missing_malformed_or_unknown_token_is_unauthenticated(
    header: str | None, why: str
) -> None:
    with pytest.raises(Unauthenticated, match=why) as caught:
        Authenticator(TOKENS).authenticate(header)

    assert SECRET not in str(caught.value)
    assert status_of(caught.value)[1] == "UNAUTHENTICATED"


@pytest.mark.parametrize("header", [f"Bearer {SECRET}", f"bearer {SECRET}", f"BEARER  {SECRET} "])
def test_a_known_token_names_its_client(header: str) -> None:
    assert Authenticator(TOKENS).authenticate(header) == "qa-bot"


@pytest.mark.parametrize(
    ("client", "scope", "allowed"),
    [
        ("qa-bot", "generate", True),
        ("qa-bot", "stream", False),
        ("loader", "stream", True),
        ("loader", "admin", False),
        ("ops", "admin", True),
        ("ops", "generate", False),
        ("ops", None, True),
    ],
)
def test_a_scope_is_needed_for_the_methods_that_name_one(
    client: str, scope: Scope | None, allowed: bool
) -> None:
    auth = Authenticator(TOKENS)
    if allowed:
        auth.authorize(client, scope, "Method")
        return
    with pytest.raises(PermissionDenied, match=f"Method needs the '{scope}' scope") as caught:
        auth.authorize(client, scope, "Method")
    assert caught.value.scope == scope
    assert status_of(caught.value)[1] == "PERMISSION_DENIED"


@pytest.mark.parametrize(
    ("peer", "host"),
    [
        ("ipv4:10.0.0.5:41234", "10.0.0.5"),
        ("ipv6:[::1]:41234", "::1"),
        ("ipv6:[2001:db8::7]:9", "2001:db8::7"),
        ("unix:/run/bridge.sock", "unix:/run/bridge.sock"),
        ("weird", "weird"),
    ],
)
def test_a_peer_is_its_host_without_the_port(peer: str, host: str) -> None:
    assert peer_host(peer) == host


def test_client_identity_prefers_the_authenticated_name_then_the_claimed_id_then_the_host() -> None:
    peer = "ipv4:10.0.0.5:41234"

    assert client_identity("qa-bot", "claimed", peer) == "client:qa-bot"
    assert client_identity(None, "claimed", peer) == "id:claimed"
    assert client_identity(None, "  ", peer) == "host:10.0.0.5"
    assert client_identity(None, None, "ipv4:10.0.0.5:50000") == "host:10.0.0.5"
    assert client_identity(None, "x" * 10_000, peer) == "id:" + "x" * 128
    assert client_identity(None, "client:qa-bot", peer) != client_identity("qa-bot", None, peer)


@pytest.mark.parametrize(
    ("method", "scope", "open_"),
    [
        (f"{SERVICE}/GenerateData", "generate", False),
        (f"{SERVICE}/GenerateDataStream", "stream", False),
        (f"{SERVICE}/ReportDefect", "admin", False),
        (f"{SERVICE}/SubmitFeedback", "admin", False),
        (f"{SERVICE}/GetSchemas", None, False),
        (f"{SERVICE}/SomethingNew", None, False),
        (f"{SERVICE}/HealthCheck", None, True),
        ("/grpc.health.v1.Health/Check", None, True),
        ("/grpc.health.v1.Health/Watch", None, True),
        ("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", None, True),
        ("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", None, True),
    ],
)
def test_the_method_table(method: str, scope: str | None, open_: bool) -> None:
    policy = policy_of(method)

    assert (policy is OPEN) == open_
    assert policy.scope == scope


def guard(rate: float = 0.0, burst: int = 1, tokens: dict[str, ClientToken] | None = None) -> Guard:
    return Guard(Authenticator(tokens), RateLimiter(rate, burst))


def test_the_guard_authenticates_before_it_charges_the_bucket() -> None:
    checked = guard(rate=1.0, burst=1, tokens=TOKENS)
    call = f"{SERVICE}/GenerateData"

    for _ in range(3):
        with pytest.raises(Unauthenticated):
            checked.check(call, {}, "ipv4:10.0.0.5:1")
    checked.check(call, {"authorization": f"Bearer {SECRET}"}, "ipv4:10.0.0.5:1")
    with pytest.raises(RateLimited):
        checked.check(call, {"authorization": f"Bearer {SECRET}"}, "ipv4:10.0.0.6:1")


def test_the_guard_names_the_limit_and_charges_by_claimed_id_then_host() -> None:
    checked = guard(rate=2.0, burst=1)
    call = f"{SERVICE}/GetSchemas"

    checked.check(call, {"x-client-id": "a"}, "ipv4:10.0.0.5:1")
    checked.check(call, {"x-client-id": "b"}, "ipv4:10.0.0.5:1")
    checked.check(call, {}, "ipv4:10.0.0.5:2")
    with pytest.raises(RateLimited, match=r"rate limit of 2 calls/s with bursts of 1") as caught:
        checked.check(call, {}, "ipv4:10.0.0.5:3")  # same host, another port
    assert 0 < caught.value.retry_after_s <= 0.5


def test_open_methods_are_never_refused() -> None:
    checked = guard(rate=1.0, burst=1, tokens=TOKENS)

    for _ in range(10):
        checked.check(f"{SERVICE}/HealthCheck", {}, "ipv4:10.0.0.5:1")
        checked.check("/grpc.health.v1.Health/Check", {}, "ipv4:10.0.0.5:1")


def test_a_rate_limited_status_carries_retry_info() -> None:
    status = rich_status(RateLimited("slow down", retry_after_s=0.25))
    info = error_details_pb2.RetryInfo()

    assert status.code == grpc.StatusCode.RESOURCE_EXHAUSTED.value[0]
    assert status.message == "slow down"
    assert status.details[0].Unpack(info)
    assert info.retry_delay.ToMilliseconds() == 250


def test_an_invalid_request_status_carries_each_field_violation() -> None:
    error = InvalidRequest([Problem("context", "too big"), Problem("count", "too many")])
    status = rich_status(error)
    bad = error_details_pb2.BadRequest()

    assert status.code == grpc.StatusCode.INVALID_ARGUMENT.value[0]
    assert status.details[0].Unpack(bad)
    assert [(v.field, v.description) for v in bad.field_violations] == [
        ("context", "too big"),
        ("count", "too many"),
    ]


def test_access_refusals_carry_no_details() -> None:
    status = rich_status(Unauthenticated("no token"))

    assert status.code == grpc.StatusCode.UNAUTHENTICATED.value[0]
    assert not status.details


def test_an_event_over_the_message_size_names_its_largest_field_and_the_limit() -> None:
    event = {"context": "x" * 900, "scenarios": [{"description": "y" * 2000}], "count": 10}
    check_message_size(event, b"z" * 4096, 4096)

    with pytest.raises(InvalidRequest) as caught:
        check_message_size(event, b"z" * 4097, 4096)

    assert caught.value.field == "scenarios"
    assert "limit of 4096 bytes" in str(caught.value)
    assert "4097 bytes" in str(caught.value)


def test_defect_and_feedback_messages_become_their_avro_events() -> None:
    received = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    codec = AvroCodec()
    defect = defect_event(
        pb.ReportDefectRequest(entity="cart", trigger_data='{"qty": -1}'),
        defect_id="generated",
        received_at=received,
    )
    stamped = pb.SubmitFeedbackRequest(feedback_id="fb-1", entity="user", quality_score=0.5)
    stamped.submitted_at.FromDatetime(datetime(2025, 6, 1, tzinfo=UTC))
    feedback = feedback_event(stamped, feedback_id="unused", received_at=received)

    decoded = codec.decode(Contract.DEFECT_REPORTED, codec.encode(Contract.DEFECT_REPORTED, defect))
    assert decoded["defect_id"] == "generated" and decoded["severity"] == "medium"
    assert decoded["discovered_at"] == received
    again = codec.decode(
        Contract.FEEDBACK_SUBMITTED, codec.encode(Contract.FEEDBACK_SUBMITTED, feedback)
    )
    assert again["feedback_id"] == "fb-1" and again["quality_score"] == 0.5
    assert again["submitted_at"] == datetime(2025, 6, 1, tzinfo=UTC)
