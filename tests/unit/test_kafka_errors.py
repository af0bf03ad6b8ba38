"""Every Kafka error is told to the caller by what it means: its own input (INVALID_ARGUMENT),
or Kafka being unavailable, saying whether it is transient, an outage or a refusal."""

from __future__ import annotations

import inspect

import pytest
from aiokafka import errors as kafka

from clients.kafka_errors import MEANING, Meaning, kafka_error, meaning_of
from generators.core.errors import InvalidRequest, KafkaRefused, KafkaUnavailable, status_of

BOOTSTRAP = "127.0.0.1:9092"


def aiokafka_errors() -> list[type[kafka.KafkaError]]:
    return [
        cls
        for _, cls in inspect.getmembers(kafka, inspect.isclass)
        if issubclass(cls, kafka.KafkaError)
    ]


def test_every_error_kafka_calls_retriable_has_a_meaning_of_its_own() -> None:
    unlisted = [
        cls.__name__
        for cls in aiokafka_errors()
        if getattr(cls, "retriable", False) and meaning_of(cls()) is Meaning.OTHER
    ]

    assert unlisted == []


def test_the_most_specific_class_listed_wins() -> None:
    class Subclass(kafka.MessageSizeTooLargeError):  # type: ignore[misc]
        pass

    assert meaning_of(Subclass()) is Meaning.CALLERS_INPUT
    assert meaning_of(kafka.KafkaError()) is Meaning.OTHER
    assert meaning_of(RuntimeError()) is Meaning.OTHER
    assert all(issubclass(cls, kafka.KafkaError) for cls in MEANING)


def test_a_record_too_large_is_the_callers_input_with_its_size_and_limit() -> None:
    error = kafka_error(
        kafka.MessageSizeTooLargeError(),
        bootstrap_servers=BOOTSTRAP,
        topic="testdata.requests",
        size=1_200_000,
        limit=1_048_576,
    )

    assert isinstance(error, InvalidRequest)
    assert status_of(error)[1] == "INVALID_ARGUMENT"
    assert "is 1200000 bytes" in str(error) and "(1048576 bytes)" in str(error)
    assert "'testdata.requests'" in str(error)


@pytest.mark.parametrize(
    ("error", "says"),
    [
        (kafka.KafkaConnectionError("refused"), f"Kafka at {BOOTSTRAP} is unreachable"),
        (kafka.KafkaTimeoutError(), f"Kafka at {BOOTSTRAP} is unreachable"),
        (kafka.NotLeaderForPartitionError(), "transient state"),
        (kafka.TopicAuthorizationFailedError(), "refused this client's credentials or ACLs"),
        (kafka.UnknownTopicOrPartitionError(), "were the topics created?"),
        (kafka.InvalidReplicationFactorError(), f"Kafka at {BOOTSTRAP} failed the call"),
    ],
)
def test_anything_else_is_kafka_unavailable_saying_what_kind(
    error: kafka.KafkaError, says: str
) -> None:
    mapped = kafka_error(error, bootstrap_servers=BOOTSTRAP)

    assert isinstance(mapped, KafkaUnavailable)
    assert status_of(mapped)[1] == "UNAVAILABLE"
    assert says in str(mapped)
    # Only a refusal stops a process that is starting: waiting out an outage may help.
    assert isinstance(mapped, KafkaRefused) == (meaning_of(error) is Meaning.REFUSED)
