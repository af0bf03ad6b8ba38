"""Keeping what is good in a model's answer, and asking again only for the rest.

A batch is a list of skeletons (positions); each model call asks for the positions still open,
as one array per scenario. An answer's records are placed scenario by scenario: a record that
merges into the next open skeleton of its scenario and passes that skeleton's checks is kept.
What does not fit where the model put it -- surplus records of an over-full scenario, records
whose content breaks their scenario (a three-item cart in `single_item`), arrays under names
that were not asked -- is offered to the positions still open in other scenarios: a model that
wrote the right records under the wrong label is re-labelled, not asked again. Only positions
that are still open after that are re-asked, with the problems named.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from generators.core.record import Record

#: (position, reply) -> the merged record when the reply is valid there, else the problems.
Fit = Callable[[int, Any], tuple[Record | None, list[str]]]


@dataclass(slots=True)
class BatchTally:
    """How a batch's records were obtained: `kept` as first answered, `repaired` re-labelled
    into the scenario they fit, in `calls` model calls (`BatchWork.reasked` counts the rest)."""

    kept: int = 0
    repaired: int = 0
    calls: int = 0


@dataclass(slots=True)
class _Leftover:
    reply: Any
    where: str
    problems: list[str] = field(default_factory=list)


class BatchWork:
    """One batch's positions: which are filled, and with what."""

    def __init__(self, skeletons: Sequence[Record]) -> None:
        self.skeletons = list(skeletons)
        self.records: list[Record | None] = [None] * len(skeletons)
        self.tally = BatchTally()
        self._reasked: set[int] = set()

    @property
    def open(self) -> list[int]:
        return [i for i, record in enumerate(self.records) if record is None]

    @property
    def complete(self) -> bool:
        return all(record is not None for record in self.records)

    def wanted(self) -> dict[str, int]:
        """Open positions per scenario, in batch order: what the next call asks for."""
        counts: dict[str, int] = {}
        for position in self.open:
            scenario = str(self.skeletons[position]["_scenario"])
            counts[scenario] = counts.get(scenario, 0) + 1
        return counts

    def asking_again(self) -> None:
        """The open positions are about to be re-asked."""
        self._reasked.update(self.open)

    @property
    def reasked(self) -> int:
        """Positions asked for again (answered or not)."""
        return len(self._reasked)

    def take(self, groups: Mapping[str, Any], fit: Fit) -> list[str]:
        """Place an answer's `groups` (scenario -> records) into the open positions; returns
        the problems that left positions open, each naming the scenario and the record."""
        first_answer = not self._reasked
        open_by: dict[str, list[int]] = {}
        for position in self.open:
            open_by.setdefault(self._scenario(position), []).append(position)
        problems: list[str] = []
        leftovers: list[_Leftover] = []
        rejected: list[tuple[str, str]] = []  # (scenario, problem) of replies that did not fit
        placed: dict[int, Any] = {}
        for name, replies in groups.items():
            if name not in open_by:
                where = f'scenario "{name}" (not asked)'
                leftovers += [_Leftover(r, f"{where}, record {i}") for i, r in enumerate(replies)]
        for name, positions in open_by.items():
            replies = groups.get(name, [])
            if len(replies) != len(positions):
                count = f"{len(replies)} records, {len(positions)} asked"
                problems.append(f'scenario "{name}": {count}')
            for i, reply in enumerate(replies):
                where = f'scenario "{name}", record {i}'
                if not positions:
                    leftovers.append(_Leftover(reply, where))
                    continue
                record, why = fit(positions[0], reply)
                if record is None:
                    leftovers.append(_Leftover(reply, where, why))
                    rejected += [(name, f"{where}: {problem}") for problem in why]
                    continue
                placed[positions[0]] = reply
                self.records[positions.pop(0)] = record
                if first_answer:
                    self.tally.kept += 1
        self._relabel(leftovers, placed, fit)
        still_open = {self._scenario(position) for position in self.open}
        problems += [problem for name, problem in rejected if name in still_open]
        return problems

    def _scenario(self, position: int) -> str:
        return str(self.skeletons[position]["_scenario"])

    def _relabel(self, leftovers: list[_Leftover], placed: dict[int, Any], fit: Fit) -> None:
        """Fill open positions with records that did not fit where the model put them: one
        that fits an open position moves there; else a record just placed in another scenario
        that fits the open position moves there, when a leftover fits the place it leaves (the
        model put a one-item cart among the usual ones, which also fit, and a usual one under
        `single_item`)."""
        for position in self.open:
            if self._move_leftover(position, leftovers, fit):
                continue
            self._swap(position, leftovers, placed, fit)

    def _move_leftover(self, position: int, leftovers: list[_Leftover], fit: Fit) -> bool:
        for k, leftover in enumerate(leftovers):
            record, _ = fit(position, leftover.reply)
            if record is not None:
                self.records[position] = record
                self.tally.repaired += 1
                del leftovers[k]
                return True
        return False

    def _swap(
        self, position: int, leftovers: list[_Leftover], placed: dict[int, Any], fit: Fit
    ) -> None:
        scenario = self._scenario(position)
        for other, reply in list(placed.items()):
            if self._scenario(other) == scenario:
                continue
            moved, _ = fit(position, reply)
            if moved is None:
                continue
            for k, leftover in enumerate(leftovers):
                record, _ = fit(other, leftover.reply)
                if record is not None:
                    self.records[position], self.records[other] = moved, record
                    placed[position], placed[other] = reply, leftover.reply
                    del leftovers[k]
                    self.tally.repaired += 1
                    return
