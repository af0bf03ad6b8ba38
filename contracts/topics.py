"""The topics the service uses, how they are created, and which reply topics a request may name."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from config.settings import KafkaSettings

_LEGAL_TOPIC = re.compile(r"[a-zA-Z0-9._-]{1,249}")


@dataclass(frozen=True, slots=True)
class TopicSpec:
    name: str
    partitions: int
    config: dict[str, str] = field(default_factory=dict)


def service_topics(kafka: KafkaSettings) -> list[TopicSpec]:
    """Every topic the worker reads or writes, except the reply topics the bridge leases."""
    week = str(7 * 24 * 3600 * 1000)
    # A request or dead letter up to `max_message_bytes` is accepted (the broker's default is
    # 1 MiB); the bridge checks each request against the same limit before sending it.
    size = {"max.message.bytes": str(kafka.max_message_bytes)}
    return [
        TopicSpec(kafka.request_topic, kafka.request_topic_partitions, size),
        TopicSpec(kafka.defects_topic, 3, size),
        TopicSpec(kafka.feedback_topic, 3, size),
        TopicSpec(kafka.dead_letter_topic, 1, {"retention.ms": week, **size}),
        # Read whole by every worker from its end: one partition, kept an hour (a request is
        # never waited for longer).
        TopicSpec(kafka.cancellations_topic, 1, {"retention.ms": str(3600 * 1000)}),
    ]


def reply_topic_spec(kafka: KafkaSettings, name: str) -> TopicSpec:
    """Reply topics have one partition (chunks stay in order) and short retention."""
    return TopicSpec(
        name,
        1,
        {
            "retention.ms": str(kafka.reply_topic_retention_ms),
            "max.message.bytes": str(kafka.max_message_bytes),
        },
    )


def reply_topic_problem(topic: str, kafka: KafkaSettings) -> str | None:
    """Why a request may not name `topic` as its reply topic, or None when it may.

    A caller must not be able to make the worker write where it pleases: only topics under the
    configured reply prefix, never an internal (`__`) topic or one of the service's own.
    """
    prefix = kafka.reply_topic_prefix
    if not topic:
        return "is empty: a request needs a reply topic"
    if not _LEGAL_TOPIC.fullmatch(topic):
        return f"{topic!r} is not a legal Kafka topic name"
    if topic.startswith("__"):
        return f"{topic!r} is an internal topic"
    own = {spec.name for spec in service_topics(kafka)}
    if topic in own:
        return f"{topic!r} is one of the service's own topics"
    if not topic.startswith(prefix) or topic == prefix:
        return f"{topic!r} does not start with the reply-topic prefix {prefix!r}"
    return None
