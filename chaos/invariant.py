"""Invariant I over everything callers received, whatever the fault was.

Every accepted request ends exactly once (one final chunk, or one error status for a gRPC
caller), its chunk indexes run 0..n-1 without gaps, the final one is the last, its record
counts add up, a chunk received twice is the identical (request_id, chunk_index) pair, and
nothing acknowledged is lost. A complete answer also carries every record index 0..count-1
once. The leak half of the invariant (topics, descriptors, memory) is `chaos.leaks`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import orjson


@dataclass(frozen=True, slots=True)
class Chunk:
    """One reply chunk as a caller saw it (a gRPC `DataChunk` or a decoded Avro one)."""

    request_id: str
    index: int
    is_final: bool
    record_count: int
    data: str
    #: The error code of a final error chunk ("" for data and successful final chunks)
    error: str = ""


@dataclass(slots=True)
class Answer:
    """Everything one caller received for one accepted (acknowledged) request."""

    request_id: str
    #: Records asked for
    count: int
    chunks: list[Chunk] = field(default_factory=list)
    #: The gRPC status code's name when the call ended with an error instead of a final chunk
    status: str | None = None
    details: str = ""
    #: When the call started and ended (time.monotonic); `ended` is None while it runs
    started: float = 0.0
    ended: float | None = None

    @property
    def records(self) -> int:
        return sum(chunk.record_count for chunk in self.chunks)

    @property
    def complete(self) -> bool:
        """Ended with a successful final chunk."""
        return self.status is None and any(c.is_final and not c.error for c in self.chunks)

    def data(self) -> list[object]:
        """The records of a JSON answer, in chunk order, duplicates dropped."""
        records: list[object] = []
        for chunk in sorted(_distinct(self.chunks).values(), key=lambda c: c.index):
            if chunk.data:
                records.extend(orjson.loads(chunk.data))
        return records


def check_answers(answers: Iterable[Answer], *, must_complete: bool) -> list[str]:
    """What breaks invariant I in `answers`; with `must_complete`, an error ending breaks it too
    (the fault was one Kafka lets the service hide)."""
    problems: list[str] = []
    for answer in answers:
        problems.extend(_answer_problems(answer, must_complete=must_complete))
    return problems


def duplicate_chunks(answers: Iterable[Answer]) -> int:
    """Chunks received more than once (identical pairs; differing ones are problems)."""
    return sum(len(a.chunks) - len(_distinct(a.chunks)) for a in answers)


def _distinct(chunks: list[Chunk]) -> dict[int, Chunk]:
    by_index: dict[int, Chunk] = {}
    for chunk in chunks:
        by_index.setdefault(chunk.index, chunk)
    return by_index


def _answer_problems(answer: Answer, *, must_complete: bool) -> list[str]:
    who = f"request {answer.request_id}"
    chunks = _distinct(answer.chunks)
    problems = [
        f"{who}: chunk {c.index} arrived twice with different content"
        for c in answer.chunks
        if c != chunks[c.index]
    ]
    indexes = sorted(chunks)
    if indexes != list(range(len(indexes))):
        problems.append(f"{who}: chunk indexes {_ranges(indexes)} are not 0..{len(indexes) - 1}")
    finals = [c for c in chunks.values() if c.is_final]
    endings = len(finals) + (answer.status is not None)
    if endings == 0:
        problems.append(f"{who}: no final chunk and no error after {len(chunks)} chunks (lost)")
    elif endings > 1:
        problems.append(f"{who}: {len(finals)} final chunks and status {answer.status}")
    if finals and finals[0].index != max(indexes):
        problems.append(f"{who}: chunks after the final chunk {finals[0].index}")
    if any(c.request_id != answer.request_id for c in chunks.values()):
        problems.append(f"{who}: a chunk of another request")
    if answer.complete:
        problems.extend(_count_problems(answer, chunks))
    elif must_complete and endings:
        ending = answer.status or (finals[0].error if finals else "")
        problems.append(f"{who}: ended with {ending} {answer.details!r} instead of its answer")
    return problems


def _count_problems(answer: Answer, chunks: dict[int, Chunk]) -> list[str]:
    who = f"request {answer.request_id}"
    records = sum(c.record_count for c in chunks.values())
    if records != answer.count:
        return [f"{who}: {records} records announced, {answer.count} asked for"]
    problems: list[str] = []
    for chunk in chunks.values():
        if chunk.data and len(orjson.loads(chunk.data)) != chunk.record_count:
            problems.append(f"{who}: chunk {chunk.index} holds other than its record_count")
    positions = sorted(record["_index"] for record in answer.data() if isinstance(record, dict))
    if positions != list(range(answer.count)):
        problems.append(f"{who}: record _index values are not 0..{answer.count - 1} once each")
    return problems


def _ranges(indexes: list[int]) -> str:
    """`[0-4, 6, 9-11]`: a short view of many chunk indexes."""
    spans: list[str] = []
    for index in indexes:
        if spans and index == int(spans[-1].rsplit("-", 1)[-1]) + 1:
            spans[-1] = f"{spans[-1].split('-')[0]}-{index}"
        else:
            spans.append(str(index))
    return "[" + ", ".join(spans) + "]"
