"""The learning loop's pure part: defect and feedback events into knowledge-base entries.

Both are idempotent by construction. A defect is keyed by its `defect_id`, so re-sending it
replaces the entry. A feedback verdict is stored under its `feedback_id` in the rated pattern's
`ratings`, and the quality score is recomputed from all ratings, so a redelivered verdict
changes nothing. A pattern is identified by its content (domain, entity and the record without
`_` tags), so verdicts on the same data from different teams accumulate on one pattern.
"""

from __future__ import annotations

import dataclasses
import math
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import orjson

from generators.core.errors import InvalidLearningEvent
from generators.core.knowledge import DefectPattern, Feedback, TestDataPattern
from generators.core.record import Record

#: A feedback event may rate several records; each becomes (or rates) its own pattern.
MAX_RATED_RECORDS = 20
#: A defect may carry several trigger variants.
MAX_TRIGGERS = 20
SEVERITIES = frozenset({"critical", "high", "medium", "low"})
_NAMESPACE = uuid.UUID("6f1d7c1e-4b8a-4f0e-9a49-6c1f3c7e2d10")


def defect_from_event(event: Mapping[str, Any]) -> DefectPattern:
    defect_id = _required_text(event, "defect_id")
    entity = _required_text(event, "entity").lower()
    severity = str(event.get("severity") or "medium").strip().lower()
    if severity not in SEVERITIES:
        msg = f"{severity!r} is not one of {', '.join(sorted(SEVERITIES))}"
        raise InvalidLearningEvent(field="severity", problem=msg)
    triggers = _records(event.get("trigger_data"), "trigger_data", MAX_TRIGGERS)
    return DefectPattern(
        defect_id=defect_id,
        domain=str(event.get("domain") or "").strip().lower(),
        entity=entity,
        triggers=triggers,
        description=str(event.get("defect_description") or ""),
        severity=severity,
        discovered_at=_iso(event.get("discovered_at")),
    )


def feedback_from_event(event: Mapping[str, Any]) -> Feedback:
    feedback_id = _required_text(event, "feedback_id")
    entity = _required_text(event, "entity").lower()
    raw_score = event.get("quality_score")
    score = float(raw_score) if isinstance(raw_score, int | float) else math.nan
    if not 0.0 <= score <= 1.0:  # NaN fails too
        msg = f"{raw_score!r} is not a number from 0 to 1"
        raise InvalidLearningEvent(field="quality_score", problem=msg)
    return Feedback(
        feedback_id=feedback_id,
        domain=str(event.get("domain") or "").strip().lower(),
        entity=entity,
        scenario=str(event.get("scenario") or "").strip(),
        records=_records(event.get("data"), "data", MAX_RATED_RECORDS),
        quality_score=score,
        submitted_at=_iso(event.get("submitted_at")),
    )


def without_tags(record: Mapping[str, Any]) -> Record:
    """The record as data: `_index`, `_scenario` and other `_` tags are about one answer."""
    return {k: v for k, v in record.items() if not k.startswith("_")}


def pattern_id(domain: str, entity: str, data: Mapping[str, Any]) -> str:
    """A stable id from the content, so equal data rated twice is one pattern."""
    canonical = orjson.dumps(without_tags(data), option=orjson.OPT_SORT_KEYS).decode()
    return str(uuid.uuid5(_NAMESPACE, f"pattern|{domain}|{entity}|{canonical}"))


def defect_uuid(defect_id: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"defect|{defect_id}"))


def sample_uuid(domain: str, entity: str, data: Mapping[str, Any]) -> str:
    canonical = orjson.dumps(without_tags(data), option=orjson.OPT_SORT_KEYS).decode()
    return str(uuid.uuid5(_NAMESPACE, f"sample|{domain}|{entity}|{canonical}"))


def rated_patterns(feedback: Feedback) -> list[TestDataPattern]:
    """The patterns this verdict rates, each holding only this rating."""
    rated = []
    for record in feedback.records:
        scenario = feedback.scenario or str(record.get("_scenario") or "default")
        data = without_tags(record)
        pattern = TestDataPattern(
            domain=feedback.domain,
            entity=feedback.entity,
            scenario=scenario,
            data=data,
            ratings={feedback.feedback_id: feedback.quality_score},
            created_at=feedback.submitted_at,
        )
        rated.append(pattern)
    return rated


def fold_rating(existing: TestDataPattern | None, rated: TestDataPattern) -> TestDataPattern:
    """`existing` with `rated`'s verdicts added (a verdict already there is replaced, which is
    what makes redelivery a no-op)."""
    if existing is None:
        return rated
    return dataclasses.replace(existing, ratings={**existing.ratings, **rated.ratings})


def _required_text(event: Mapping[str, Any], field: str) -> str:
    value = str(event.get(field) or "").strip()
    if not value:
        raise InvalidLearningEvent(field, "is empty")
    return value


def _records(raw: Any, field: str, limit: int) -> tuple[Record, ...]:
    try:
        value = orjson.loads(raw) if isinstance(raw, str | bytes) else raw
    except orjson.JSONDecodeError as exc:
        raise InvalidLearningEvent(field, f"is not JSON ({exc})") from exc
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(item, dict) and item for item in items):
        raise InvalidLearningEvent(field, "must be a JSON object or an array of objects")
    if len(items) > limit:
        raise InvalidLearningEvent(field, f"holds {len(items)} records; at most {limit}")
    return tuple(items)


def _iso(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value or "")
