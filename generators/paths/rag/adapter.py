"""Per-record adaptation: which retrieved knowledge shapes record i, and how.

Sources are chosen by the request's flags: defect triggers for `defect_triggering`, good
patterns for `learn_from_history` / "similar to" (and whenever no defect was found), and the
best production sample's stats for `production_like`. Record i takes source i mod n, so every
retrieved source is used before any is repeated, and the same knowledge gives the same records.
"""

from __future__ import annotations

import copy
from random import Random

from generators.core.knowledge import RetrievedContext
from generators.core.record import Record
from generators.core.request import GenerationRequest
from generators.core.schema import EntitySchema
from generators.core.seeding import stable_seed
from generators.entities.lookup import behaviour_of
from generators.kinds.overrides import Override, apply_overrides, compile_overrides
from generators.paths.rag.distributions import shape
from generators.paths.rag.overlay import overlay
from generators.quality.coherence import RuleChecker
from generators.values.identity import identifier_paths

#: The tag every RAG/hybrid record carries: where it came from ("defect:DEF-17",
#: "pattern:<scenario>", "production", or "generated" when nothing retrieved fitted it).
SOURCE_TAG = "_source"


class RecordAdapter:
    def __init__(
        self, retrieved: RetrievedContext, request: GenerationRequest, schema: EntitySchema
    ) -> None:
        self._schema = schema
        self._seed = request.effective_seed
        self._keep = identifier_paths(schema)
        self._checker = RuleChecker(schema)
        self._repair = behaviour_of(schema).repair
        self._sources = _sources(retrieved, request)
        self._stats = retrieved.samples[0].stats if retrieved.samples else None
        self._overrides: dict[str, tuple[Override, ...]] = {
            s.name: compile_overrides(schema, s) for s in request.scenarios
        }
        self.adapted = 0

    @property
    def has_knowledge(self) -> bool:
        return bool(self._sources) or self._stats is not None

    def adapt(self, record: Record) -> Record:
        """`record` (fresh and valid) shaped by its source; valid whatever the source holds."""
        index = int(record["_index"])
        result, label = record, "generated"
        if self._sources:
            label, patch = self._sources[index % len(self._sources)]
            laid = overlay(record, patch, self._schema, self._keep, self._checker)
            if laid is not None:
                result = laid
            else:
                label = "generated"
        if self._stats is not None:
            shaped = copy.deepcopy(result)
            rng = Random(stable_seed(f"{self._seed}:{index}", "production"))
            if shape(shaped, self._stats, self._schema, rng):
                self._repair(shaped, record)
                if not self._checker.violations(shaped):
                    result = shaped
                    label = label if label != "generated" else "production"
        overrides = self._overrides.get(str(record.get("_scenario")))
        if overrides and result is not record:
            apply_overrides(result, overrides)
        result[SOURCE_TAG] = label
        if label != "generated":
            self.adapted += 1
        return result

    def reassert(self, record: Record) -> Record:
        """Lay record i's source over it again: for records a model rewrote, so the defect's
        trigger values survive the rewrite. A record its source did not fit stays as written."""
        index = int(record["_index"])
        if not self._sources or record.get(SOURCE_TAG) in (None, "generated"):
            return record
        label, patch = self._sources[index % len(self._sources)]
        laid = overlay(record, patch, self._schema, self._keep, self._checker)
        if laid is None:
            return record
        laid[SOURCE_TAG] = label
        return laid


def _sources(retrieved: RetrievedContext, request: GenerationRequest) -> list[tuple[str, Record]]:
    defects = [
        (f"defect:{d.defect_id}", trigger) for d in retrieved.defects for trigger in d.triggers
    ]
    patterns = [(f"pattern:{p.scenario}", p.data) for p in retrieved.patterns]
    if request.defect_triggering and defects:
        return defects + (patterns if request.learn_from_history else [])
    return patterns
