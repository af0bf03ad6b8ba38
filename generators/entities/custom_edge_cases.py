"""Edge cases of custom schemas, field by field (the traditional path applies them).

The kinds: `min_boundary`, `max_boundary`, `just_inside_min`, `just_inside_max` (numbers at
or one step inside min/max, strings at or inside min_length/max_length, arrays at their length
bounds, first/last enum value), `unicode_text`, `emoji_text`, `empty_string` (free-text fields
that allow it: optional, or min_length 0), `max_length_string`, `leap_day` (Feb 29) and
`dst_boundary` (America/New_York transitions, ISO 8601 with the offset in force), as the fields
make them meaningful. DATE/DATETIME fields with min_date/max_date sit at or one day (DATE) / one
second (DATETIME) inside a given bound for the boundary kinds, and take the latest Feb 29 and the
latest DST transitions within their bounds; a kind that cannot fit the bounds leaves the field be.
"""

from __future__ import annotations

from random import Random

from generators.core.record import Record
from generators.core.request import FieldSpec, FieldType
from generators.core.schema import EntitySchema
from generators.kinds.kind import EdgeAt, EdgeKind, EdgeMoments, FieldAt
from generators.kinds.registry import kind_of
from generators.values.edge_moments import EdgeCase, dst_moments, leap_moment


def custom_edge_cases(schema: EntitySchema, reference_year: int) -> list[tuple[str, EdgeCase]]:
    """The edge kinds that change some field of `schema` (at least the two boundary kinds),
    each applied field by field by the field's kind (`FieldKind.edge`)."""
    return _CustomEdgeCases(schema, reference_year).kinds()


class _CustomEdgeCases:
    """Field-by-field edge cases; a kind applies when it changes at least one field."""

    def __init__(self, schema: EntitySchema, reference_year: int) -> None:
        self._schema = schema
        self._moments = EdgeMoments(leap_moment(reference_year + 1), dst_moments(reference_year))

    def kinds(self) -> list[tuple[str, EdgeCase]]:
        kinds = [(edge.value, self._kind(edge)) for edge in EdgeKind]
        applicable = [(n, k) for n, k in kinds if self._could_apply(k)]
        return applicable or kinds[:2]

    def _could_apply(self, kind: EdgeCase) -> bool:
        """Whether the kind changes a record whose fields all hold placeholder values."""
        return kind(_placeholder(self._schema.fields), Random(0), 0)

    def _kind(self, edge: EdgeKind) -> EdgeCase:
        def apply(record: Record, _rng: Random, index: int) -> bool:
            return self._walk(record, self._schema.fields, "", edge, index)

        return apply

    def _walk(
        self,
        container: Record,
        fields: tuple[FieldSpec, ...],
        prefix: str,
        edge: EdgeKind,
        index: int,
    ) -> bool:
        changed = False
        for spec in fields:
            path = f"{prefix}{spec.name}"
            if spec.name not in container:
                continue
            value = container[spec.name]
            rule = self._schema.rule(path)
            did, new = kind_of(spec.type).edge(
                edge, value, FieldAt(spec, path, rule), EdgeAt(index, self._moments)
            )
            if did:
                container[spec.name] = new
                changed = True
                value = new
            if spec.nested_fields and value is not None:
                for element in value if isinstance(value, list) else (value,):
                    if isinstance(element, dict):
                        inner = self._walk(element, spec.nested_fields, f"{path}.", edge, index)
                        changed = changed or inner
        return changed


def _placeholder(fields: tuple[FieldSpec, ...]) -> Record:
    """A record with a non-null value of the right shape in every field."""
    out: Record = {}
    for spec in fields:
        if spec.type is FieldType.OBJECT:
            out[spec.name] = _placeholder(spec.nested_fields)
        elif spec.type is FieldType.ARRAY:
            out[spec.name] = [_placeholder(spec.nested_fields)]
        else:
            out[spec.name] = "x"
    return out
