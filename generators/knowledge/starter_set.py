"""The bundled, hand-written starter knowledge (`seed/*.json`), read into knowledge values.

The files are data, documented by `tests/unit/test_seed_data.py`, which holds them to the
entity schemas. A starter pattern's hand-given quality is stored as a rating named "seed", so
QA feedback averages with it rather than replacing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from generators.core.knowledge import DefectPattern, ProductionSample, TestDataPattern
from generators.knowledge.learning import defect_from_event

SEED_DIR = Path(__file__).resolve().parent / "seed"
SEED_RATING = "seed"


@dataclass(frozen=True, slots=True)
class StarterSet:
    patterns: tuple[TestDataPattern, ...]
    defects: tuple[DefectPattern, ...]
    samples: tuple[ProductionSample, ...]


def load_starter_set(folder: Path = SEED_DIR) -> StarterSet:
    return StarterSet(
        patterns=tuple(_pattern(e) for e in _entries(folder / "patterns.json")),
        defects=tuple(defect_from_event(e) for e in _entries(folder / "defects.json")),
        samples=tuple(_sample(e) for e in _entries(folder / "production_samples.json")),
    )


def _entries(path: Path) -> list[dict[str, Any]]:
    entries = orjson.loads(path.read_bytes())
    if not isinstance(entries, list):
        msg = f"{path}: expected a JSON array"
        raise ValueError(msg)
    return entries


def _pattern(entry: dict[str, Any]) -> TestDataPattern:
    return TestDataPattern(
        domain=str(entry["domain"]).lower(),
        entity=str(entry["entity"]).lower(),
        scenario=str(entry["scenario"]),
        data=entry["data"],
        description=str(entry.get("description", "")),
        ratings={SEED_RATING: float(entry.get("quality_score", 0.8))},
    )


def _sample(entry: dict[str, Any]) -> ProductionSample:
    return ProductionSample(
        domain=str(entry["domain"]).lower(),
        entity=str(entry["entity"]).lower(),
        data=entry["anonymized_data"],
        stats=entry["distribution_stats"],
        description=str(entry.get("description", "")),
        sample_date=str(entry.get("sample_date", "")),
    )
