"""What a record builder needs to know about its request, and the time helpers they share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from random import Random
from typing import Any, Protocol, runtime_checkable

from generators.core.schema import EntitySchema
from generators.core.seeding import stable_seed
from generators.values.pools import ValuePools
from generators.values.string_rules import StringMaker, constrained_string_maker

#: Generated timestamps lie before this instant. It is fixed rather than "now" so that a request
#: yields the same records tomorrow as today; callers may pass their own.
DEFAULT_REFERENCE_TIME = datetime(2026, 1, 1, tzinfo=UTC)

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR
YEAR = 365 * DAY


def utc_datetime(epoch_seconds: int) -> datetime:
    return datetime.fromtimestamp(epoch_seconds, UTC)


@dataclass(frozen=True, slots=True)
class BuildContext:
    schema: EntitySchema
    pools: ValuePools
    seed: int
    count: int
    reference_epoch: int

    def unique_key(self, purpose: str) -> int:
        """A per-request key for values that must not repeat within the request."""
        return stable_seed(str(self.seed), f"unique:{purpose}")

    def id_maker(self, path: str, *, unique: bool) -> StringMaker:
        """Makes the string field at `path` from its rule (predefined ids always have one)."""
        key = self.unique_key(path) if unique else None
        maker = constrained_string_maker(self.schema.rule(path), unique_key=key)
        if maker is None:
            msg = f"schema {self.schema.name!r} has no format, regex or enum rule for {path!r}"
            raise ValueError(msg)
        return maker


class RecordBuilder(Protocol):
    """Builds the fields of record `index` (tags included; `_index`/`_scenario` are added)."""

    def build(self, rng: Random, index: int, scenario: str) -> dict[str, Any]: ...


@runtime_checkable
class BatchRecordBuilder(RecordBuilder, Protocol):
    """A builder that can also build a run of consecutive records of one scenario at once."""

    def build_many(
        self, rng: Random, start: int, count: int, scenario: str, out: list[dict[str, Any]]
    ) -> None:
        """Appends records `start`.. `start + count - 1` to `out`, each exactly
        `{"_index": i, "_scenario": scenario} | self.build(rng, i, scenario)`, built in turn."""
        ...
