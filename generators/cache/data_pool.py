"""Data pools: records generated earlier for one request shape, served again instead of generating.

A request with `use_cache` is served from the pool of its shape (`pool_key`) when the pool holds
at least `count` records: a window of `count` consecutive records (`plan_draw`), copied with the
request's indexes and fresh ids (`serve`). Otherwise the worker generates as usual and refills
the pool. The pool itself lives behind `DataPoolStore` (Redis, at the edge: `clients.redis_pool`);
this module does no I/O.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import orjson

from generators.core.record import Record
from generators.core.request import FieldConstraint, GenerationRequest, plan_scenarios
from generators.core.schema import EntitySchema
from generators.core.seeding import stable_seed
from generators.values.identity import IdentityRefresher

#: Bumped when what the key covers changes, so that pools of the old shape are no longer hit.
_KEY_VERSION = 1
_KEY_HASH_CHARS = 32


@dataclass(frozen=True, slots=True)
class PoolPolicy:
    """How long a refilled pool lives (`ttl_s`) and how many records it keeps at most."""

    ttl_s: int
    max_records: int

    def __post_init__(self) -> None:
        if self.ttl_s < 1 or self.max_records < 1:
            msg = f"pool ttl_s and max_records must be at least 1, got {self}"
            raise ValueError(msg)


class DataPoolStore(Protocol):
    """Where pools live: lists of records under string keys. Every method raises
    `PoolUnavailable` when the backend is down."""

    async def draw(self, key: str, start: int, count: int) -> list[Record]:
        """Records `start`.. `start + count - 1` (fewer if the pool changed since `size`)."""
        ...

    async def size(self, key: str) -> int:
        """How many records the pool holds (0 when there is none)."""
        ...

    async def refill(self, key: str, records: Sequence[Record], ttl_s: int) -> None:
        """Replaces the pool with `records` at once, expiring after `ttl_s` seconds."""
        ...


def pool_key(
    request: GenerationRequest, schema: EntitySchema, *, prefix: str = "testdata:pool"
) -> str:
    """`{prefix}:{domain}:{entity}:{hash}`: requests share a pool exactly when the records
    generated for them could be exchanged.

    `schema` must be `resolve_schema(request)`, whose rules include the request's constraints.
    Domain and entity are the schema's, lower-cased ("-" when empty). The hash (sha256, 32 hex
    characters) covers everything that shapes record content: the schema's fields (names, types,
    required, descriptions, nested fields), its effective rules, tags and whether it is
    predefined; the scenarios' names, overrides and descriptions, and when there are scenarios
    the records each one gets (so a pool always holds the mix the request asks for); the hints
    (in any order), the context and the learn_from_history, defect_triggering and
    production_like flags. It leaves out what only sizes, seeds or delivers the answer: count
    (without scenarios), seed, request_id, reply_topic, output_format and use_cache.
    """
    content = {
        "version": _KEY_VERSION,
        "schema": {
            "name": schema.name,
            "predefined": schema.predefined,
            "tags": sorted(schema.tags),
            "fields": [spec.as_dict() for spec in schema.fields],
            "rules": {
                path: shaped
                for path, rule in sorted(schema.rules.items())
                if (shaped := _rule(rule))
            },
        },
        "scenarios": sorted(
            (
                {
                    "name": scenario.name,
                    "overrides": dict(scenario.overrides),
                    "description": scenario.description,
                }
                for scenario in request.scenarios
            ),
            key=_canonical,
        ),
        "scenario_plan": plan_scenarios(request) if request.scenarios else None,
        "hints": sorted(hint.strip() for hint in request.hints if hint.strip()),
        "context": request.context,
        "learn_from_history": request.learn_from_history,
        "defect_triggering": request.defect_triggering,
        "production_like": request.production_like,
    }
    digest = hashlib.sha256(_canonical(content).encode()).hexdigest()[:_KEY_HASH_CHARS]
    return f"{prefix}:{_segment(schema.domain)}:{_segment(schema.name)}:{digest}"


def plan_draw(pool_size: int, count: int, seed: int) -> tuple[int, int] | None:
    """(start, count) of the window of `count` consecutive records to read, or None when the
    pool holds fewer than `count` (a miss). The start comes from a hash of the seed, so that
    neighbouring seeds read windows far apart rather than shifted by one record."""
    if count < 0:
        msg = f"count must not be negative, got {count}"
        raise ValueError(msg)
    if pool_size < count:
        return None
    return stable_seed(str(seed), "pool-draw") % (pool_size - count + 1), count


def serve(records: list[Record], schema: EntitySchema, seed: int, first_index: int) -> list[Record]:
    """Copies of `records` as records `first_index`.. of the request `seed` is for: their own
    `_index` and fresh ids (`generators.values.identity`), `_scenario` and the rest as drawn."""
    refresher = IdentityRefresher(schema, seed)
    served = []
    for offset, record in enumerate(records):
        fresh = orjson.loads(orjson.dumps(record))  # records are JSON data: 3x deepcopy's speed
        refresher.refresh(fresh, first_index + offset)
        served.append(fresh)
    return served


def _rule(rule: FieldConstraint) -> dict[str, Any]:
    """The attributes a rule sets; bounds as floats, so that `max=5` and `max=5.0` agree."""
    shaped: dict[str, Any] = {}
    for attribute in dataclasses.fields(rule):
        value = getattr(rule, attribute.name)
        if value is None or value == ():
            continue
        shaped[attribute.name] = float(value) if attribute.name in ("min", "max") else value
    return shaped


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _segment(name: str) -> str:
    return name.strip().lower() or "-"
