"""What a Kafka error means for whoever made the call, in one table.

aiokafka raises one class per broker error code, plus its own client-side ones; a caller needs
to know only which of these happened:

- **its own input**: a record larger than the producer or the topic takes. Retrying the same
  request cannot help, so it is `InvalidRequest` (INVALID_ARGUMENT) naming the field, the size
  and the limit. (A 1 MB `context` used to answer "UNAVAILABLE: Kafka is unavailable:
  MessageSizeTooLargeError": the caller was told the service was down when its input was too
  big.)
- **a transient broker state**: a leader election, a broker-side timeout, too few in-sync
  replicas. `KafkaUnavailable` saying so: the same call is likely to work in a moment.
- **an outage**: no broker reachable, nothing answered in time. `KafkaUnavailable` naming Kafka
  and the bootstrap address, which is what an operator checks first.
- **refused credentials or ACLs**: `KafkaRefused` (a `KafkaUnavailable`) saying the brokers
  refuse this client; retrying will not help until an operator fixes the credentials or the
  ACLs, so a process starting up exits rather than retrying.
- **an unknown topic**: the topics were not created (a deployment problem).
- anything else a broker answers: `KafkaUnavailable` with the broker's words.

`MEANING` is the table (the most specific class listed wins, as in `generators.core.errors`
`STATUS`), `kafka_error` turns an exception into the error tree's. Every class aiokafka marks
`retriable` is listed as transient, an outage or an unknown topic (`tests/unit/
test_kafka_errors.py` checks it, so a class a new aiokafka adds is not silently "other").
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from aiokafka import errors as kafka

from generators.core.errors import (
    AgentError,
    InvalidRequest,
    KafkaRefused,
    KafkaUnavailable,
    Problem,
)


class Meaning(StrEnum):
    """What a Kafka error says about the call that met it."""

    CALLERS_INPUT = "the caller's input"
    TRANSIENT = "a transient broker state"
    OUTAGE = "an outage"
    REFUSED = "refused credentials or ACLs"
    UNKNOWN_TOPIC = "an unknown topic"
    OTHER = "another broker error"


#: aiokafka error class -> what it means for the caller (the most specific class listed wins).
MEANING: Final[Mapping[type[Exception], Meaning]] = MappingProxyType(
    {
        kafka.KafkaError: Meaning.OTHER,
        # the caller's input
        kafka.MessageSizeTooLargeError: Meaning.CALLERS_INPUT,
        kafka.RecordTooLargeError: Meaning.CALLERS_INPUT,
        kafka.RecordListTooLargeError: Meaning.CALLERS_INPUT,
        # a transient broker state
        kafka.NotLeaderForPartitionError: Meaning.TRANSIENT,
        kafka.LeaderNotAvailableError: Meaning.TRANSIENT,
        kafka.RequestTimedOutError: Meaning.TRANSIENT,
        kafka.NotEnoughReplicasError: Meaning.TRANSIENT,
        kafka.NotEnoughReplicasAfterAppendError: Meaning.TRANSIENT,
        kafka.KafkaStorageError: Meaning.TRANSIENT,
        kafka.NotControllerError: Meaning.TRANSIENT,
        kafka.GroupLoadInProgressError: Meaning.TRANSIENT,
        kafka.GroupCoordinatorNotAvailableError: Meaning.TRANSIENT,
        kafka.NotCoordinatorForGroupError: Meaning.TRANSIENT,
        kafka.RebalanceInProgressError: Meaning.TRANSIENT,
        kafka.StaleMetadata: Meaning.TRANSIENT,
        kafka.MetadataEmptyBrokerList: Meaning.TRANSIENT,
        kafka.TooManyInFlightRequests: Meaning.TRANSIENT,
        kafka.KafkaProtocolError: Meaning.TRANSIENT,
        kafka.Cancelled: Meaning.TRANSIENT,
        kafka.BrokerNotAvailableError: Meaning.TRANSIENT,
        kafka.ReplicaNotAvailableError: Meaning.TRANSIENT,
        # an outage
        kafka.KafkaConnectionError: Meaning.OUTAGE,
        kafka.NoBrokersAvailable: Meaning.OUTAGE,
        kafka.NodeNotReadyError: Meaning.OUTAGE,
        kafka.KafkaTimeoutError: Meaning.OUTAGE,
        kafka.KafkaUnavailableError: Meaning.OUTAGE,
        kafka.ProducerClosed: Meaning.OUTAGE,
        # refused credentials or ACLs
        kafka.TopicAuthorizationFailedError: Meaning.REFUSED,
        kafka.GroupAuthorizationFailedError: Meaning.REFUSED,
        kafka.ClusterAuthorizationFailedError: Meaning.REFUSED,
        kafka.TransactionalIdAuthorizationFailed: Meaning.REFUSED,
        kafka.DelegationTokenAuthorizationFailed: Meaning.REFUSED,
        kafka.SaslAuthenticationFailed: Meaning.REFUSED,
        kafka.AuthenticationFailedError: Meaning.REFUSED,
        kafka.AuthenticationMethodNotSupported: Meaning.REFUSED,
        kafka.UnsupportedSaslMechanismError: Meaning.REFUSED,
        kafka.IllegalSaslStateError: Meaning.REFUSED,
        # an unknown topic
        kafka.UnknownTopicOrPartitionError: Meaning.UNKNOWN_TOPIC,
        kafka.InvalidTopicError: Meaning.UNKNOWN_TOPIC,
    }
)


def meaning_of(error: BaseException) -> Meaning:
    """What `error` means for the caller (see `MEANING`); OTHER for a class not listed."""
    for cls in type(error).__mro__:
        found = MEANING.get(cls)
        if found is not None:
            return found
    return Meaning.OTHER


def kafka_error(
    error: BaseException,
    *,
    bootstrap_servers: str,
    topic: str | None = None,
    size: int | None = None,
    limit: int | None = None,
) -> AgentError:
    """The error tree's exception for `error`, met calling Kafka at `bootstrap_servers`
    (about `topic`, for a record of `size` bytes where the topic takes `limit`, when known)."""
    kafka_at = f"Kafka at {bootstrap_servers}"
    on = f" (topic {topic!r})" if topic else ""
    match meaning_of(error):
        case Meaning.CALLERS_INPUT:
            is_size = f"is {size} bytes, " if size is not None else "is "
            takes = f" ({limit} bytes)" if limit is not None else ""
            message = f"{is_size}more than {kafka_at} takes in one message{on}{takes}: {error}"
            return InvalidRequest([Problem("request", message)])
        case Meaning.TRANSIENT:
            return KafkaUnavailable(
                f"{kafka_at} is in a transient state{on}: {error}; try again in a moment"
            )
        case Meaning.OUTAGE:
            return KafkaUnavailable(f"{kafka_at} is unreachable{on}: {error}")
        case Meaning.REFUSED:
            return KafkaRefused(
                f"{kafka_at} refused this client's credentials or ACLs{on}: {error}"
            )
        case Meaning.UNKNOWN_TOPIC:
            return KafkaUnavailable(
                f"{kafka_at} does not know the topic{on}: {error}; were the topics created?"
            )
        case Meaning.OTHER:
            return KafkaUnavailable(f"{kafka_at} failed the call{on}: {error}")
