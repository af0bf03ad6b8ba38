"""Which reply topics a request may name: a caller must not steer the worker's writes."""

from __future__ import annotations

import pytest

from config import Settings
from contracts.topics import reply_topic_problem

SETTINGS = Settings(_env_file=None)  # type: ignore[call-arg]


@pytest.mark.parametrize("topic", ["testdata.reply.bridge-1.000", "testdata.reply.agent_7.req-42"])
def test_topics_under_the_prefix_are_accepted(topic: str) -> None:
    assert reply_topic_problem(topic, SETTINGS.kafka) is None


@pytest.mark.parametrize(
    ("topic", "words"),
    [
        ("", "empty"),
        ("testdata.requests", "service's own"),
        ("testdata.dead-letter", "service's own"),
        ("__consumer_offsets", "internal"),
        ("other-team.orders", "prefix"),
        ("testdata.reply.", "prefix"),
        ("testdata.reply.a/b", "legal"),
        ("testdata.reply." + "x" * 250, "legal"),
    ],
)
def test_other_topics_are_refused_with_the_reason(topic: str, words: str) -> None:
    problem = reply_topic_problem(topic, SETTINGS.kafka)

    assert problem is not None and words in problem
