"""`Entity`: what one predefined entity is, as every process may read it.

The declaration is data: the schema (fields, rules, description, the coherence rules in words),
the fields a model writes on the LLM path, the traits that route requests and pick prompt
templates, and where its worker-side behaviour lives. The bridge reads declarations to list
schemas and validate requests without loading any generation code; the worker loads the
behaviour (`generators.entities.behaviour`) the declaration names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from generators.core.schema import EntitySchema


@dataclass(frozen=True, slots=True)
class Entity:
    """One predefined entity. Every part is required: a declaration that leaves one out fails
    at import, and `tests/unit/test_entities.py` loads every behaviour it names."""

    schema: EntitySchema
    #: The top-level fields the model writes on the LLM path, each with the element fields it
    #: writes when the field is an array of objects (empty: the whole field). Code fills the
    #: rest (ids, timestamps, sums), exact where a model is not.
    model_writes: Mapping[str, tuple[str, ...]]
    #: Items that must belong together (a cart's basket): an LLM routing signal, and the
    #: PRD's coherent template.
    item_coherence: bool
    #: Records that are mostly free text (a review): the PRD's text-content template.
    text_content: bool
    #: The module whose `BEHAVIOUR` builds, checks, varies and repairs this entity's records.
    behaviour: str

    @property
    def name(self) -> str:
        return self.schema.name

    def __post_init__(self) -> None:
        if not self.schema.predefined:
            msg = f"entity {self.schema.name!r}: its schema must be marked predefined"
            raise ValueError(msg)
        unknown = [name for name in self.model_writes if self.schema.field_at(name) is None]
        if unknown:
            msg = f"entity {self.schema.name!r}: model_writes names no field {unknown}"
            raise ValueError(msg)
