"""A subscription hands each chunk over once, in order, whatever Kafka redelivers."""

from __future__ import annotations

from typing import Any

from bridge.reply_reader import Subscription


def chunk(index: int, final: bool = False) -> dict[str, Any]:
    return {"request_id": "r", "chunk_index": index, "is_final": final, "data": f"d{index}"}


async def drain(subscription: Subscription, n: int) -> list[int]:
    return [(await subscription.next(1.0))["chunk_index"] for _ in range(n)]


async def test_a_redelivered_request_republishing_its_chunks_is_read_once() -> None:
    subscription = Subscription("r")
    for index in [0, 1, 2, 0, 1, 2, 3, 4]:
        subscription.offer(chunk(index, final=index == 4))

    assert await drain(subscription, 5) == [0, 1, 2, 3, 4]
    assert subscription.expected == 5


async def test_chunks_that_arrive_early_wait_for_the_ones_before_them() -> None:
    subscription = Subscription("r")
    for index in [1, 2, 0]:
        subscription.offer(chunk(index))

    assert await drain(subscription, 3) == [0, 1, 2]


async def test_a_slow_reader_pauses_its_partition_and_resumes_it_once_drained() -> None:
    events: list[str] = []
    subscription = Subscription(
        "r",
        max_buffered=4,
        on_full=lambda: events.append("pause"),
        on_drained=lambda: events.append("resume"),
    )
    for index in range(4):
        subscription.offer(chunk(index))

    assert events == ["pause"]
    await drain(subscription, 1)
    assert events == ["pause"]
    await drain(subscription, 1)
    assert events == ["pause", "resume"]
