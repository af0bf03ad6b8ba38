"""Division of labour: which fields the model writes, and which code fills.

The model writes what needs judgement -- a coherent set of items with their names and prices,
customer names, review text -- and code fills everything deterministic: ids, timestamps, sums
(`subtotal`, `tax`, `total`), `_index` and `_scenario`. Code is exact where the model is not
(arithmetic, uniqueness, formats), and every field the model does not write is output it is not
paid for.

For custom schemas the model writes the plain STRING fields (names, titles, descriptions): not
ids (names ending in `id`, `uuid`, `sku`, `code`, `number`) and not strings whose rule fixes
their shape (format, regex, enum values), which code generates exactly.
"""

from __future__ import annotations

import dataclasses

from generators.core.request import FieldSpec
from generators.core.schema import EntitySchema, field_name_words
from generators.entities.registry import entity_of
from generators.kinds.registry import kind_of

_ID_WORDS = frozenset({"id", "uuid", "sku", "code", "number", "key"})


def judgement_fields(schema: EntitySchema) -> tuple[FieldSpec, ...]:
    """The fields (with nested subsets) the model is asked to write for `schema`."""
    entity = entity_of(schema)
    if entity is not None:
        wanted = entity.model_writes
        return tuple(
            _subset(spec, wanted[spec.name]) for spec in schema.fields if spec.name in wanted
        )
    return tuple(spec for spec in schema.fields if _is_custom_judgement(spec, schema))


def _subset(spec: FieldSpec, nested: tuple[str, ...]) -> FieldSpec:
    if not nested:
        return spec
    kept = tuple(child for child in spec.nested_fields if child.name in nested)
    return dataclasses.replace(spec, nested_fields=kept)


def _is_custom_judgement(spec: FieldSpec, schema: EntitySchema) -> bool:
    if not kind_of(spec.type).free_for_model:
        return False
    rule = schema.rule(spec.name)
    if rule.format or rule.regex or rule.enum_values:
        return False
    words = field_name_words(spec.name)
    return not words or words[-1] not in _ID_WORDS
