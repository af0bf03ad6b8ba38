"""What the worker does with defect and feedback events: decode, check, write to the knowledge
base. Free of Faust, like `processor`.

A malformed event (undecodable bytes, an empty id, trigger data that is not JSON records, a
score outside 0..1) goes to the dead-letter topic with the field at fault. A well-formed event
is never dropped: while the knowledge base is down the write is retried, with a growing pause,
until it succeeds (Faust acknowledges an event once the agent moves on, so giving up would
lose it). Requests are served by another agent meanwhile, so they do not wait. Data the
store answers but refuses is dead-lettered too: retrying it would stall the partition for good.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from contracts.avro import AvroCodec, Contract
from generators.core.errors import (
    InvalidLearningEvent,
    KnowledgeRejected,
    PatternStoreUnavailable,
    UndecodableEvent,
)
from generators.core.knowledge import KnowledgeWriter
from generators.knowledge.learning import defect_from_event, feedback_from_event
from streams.dead_letters import DeadLetters, IncomingEvent

log = logging.getLogger(__name__)
T = TypeVar("T")


class LearningIndexer:
    def __init__(
        self,
        codec: AvroCodec,
        dead_letters: DeadLetters,
        knowledge: KnowledgeWriter,
        *,
        retry_first_s: float = 0.5,
        retry_max_s: float = 10.0,
    ) -> None:
        self._codec = codec
        self._dead_letters = dead_letters
        self._knowledge = knowledge
        self._retry_first_s = retry_first_s
        self._retry_max_s = retry_max_s

    async def handle_defect(self, event: IncomingEvent) -> None:
        await self._index(
            event,
            Contract.DEFECT_REPORTED,
            defect_from_event,
            lambda d: (f"defect {d.defect_id}", self._knowledge.upsert_defects([d])),
        )

    async def handle_feedback(self, event: IncomingEvent) -> None:
        await self._index(
            event,
            Contract.FEEDBACK_SUBMITTED,
            feedback_from_event,
            lambda f: (f"feedback {f.feedback_id}", self._knowledge.apply_feedback(f)),
        )

    async def _index(
        self,
        event: IncomingEvent,
        contract: Contract,
        parse: Callable[[dict[str, Any]], T],
        write: Callable[[T], tuple[str, Awaitable[object]]],
    ) -> None:
        """Decode and check `event` (dead-lettering what is malformed), then write it."""
        raw = await self._decode(event, contract)
        if raw is None:
            return
        try:
            value = parse(raw)
        except InvalidLearningEvent as exc:
            await self._dead_letters.send(event, str(exc), field=exc.field)
            return
        pause = self._retry_first_s
        while True:
            what, written = write(value)
            try:
                await written
            except KnowledgeRejected as exc:
                await self._dead_letters.send(event, str(exc))
                return
            except PatternStoreUnavailable as exc:
                log.warning("%s not indexed yet, retrying in %.1fs: %s", what, pause, exc)
                await asyncio.sleep(pause)
                pause = min(pause * 2, self._retry_max_s)
            else:
                log.info("indexed %s", what)
                return

    async def _decode(self, event: IncomingEvent, contract: Contract) -> dict[str, Any] | None:
        try:
            return self._codec.decode(contract, event.value)
        except UndecodableEvent as exc:
            await self._dead_letters.send(event, str(exc))
            return None
