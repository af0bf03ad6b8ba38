"""The predefined entities, and how a request picks its schema."""

from __future__ import annotations

from generators.core.errors import UnknownSchemaError
from generators.core.hints import EDGE_CASE_TAG, wants_edge_cases
from generators.core.request import GenerationRequest
from generators.core.schema import EntitySchema, iter_field_paths
from generators.entities.cart import CART
from generators.entities.order import ORDER
from generators.entities.payment import PAYMENT
from generators.entities.review import REVIEW
from generators.entities.user import USER

PREDEFINED: dict[str, EntitySchema] = {s.name: s for s in (CART, ORDER, PAYMENT, USER, REVIEW)}

#: Name of a custom schema whose request names no entity.
CUSTOM_SCHEMA_NAME = "custom"


def list_schemas(domain: str = "") -> list[EntitySchema]:
    """Predefined schemas, optionally only those of one domain (case-insensitive)."""
    wanted = domain.strip().lower()
    return [s for s in PREDEFINED.values() if not wanted or s.domain.lower() == wanted]


def resolve_schema(request: GenerationRequest) -> EntitySchema:
    """The schema a request generates, with the request's constraints merged into its rules
    (and the `_edge_case_type` tag declared when the request asks for edge cases).

    Custom `fields` win over any predefined schema; otherwise `request.schema_name` picks one.
    Raises `UnknownSchemaError` when neither gives a schema.
    """
    if request.fields:
        schema = EntitySchema(
            name=request.entity.strip() or CUSTOM_SCHEMA_NAME,
            domain=request.domain,
            description="custom schema from the request",
            fields=request.fields,
        )
    else:
        found = PREDEFINED.get(request.schema_name)
        if found is None:
            raise UnknownSchemaError(request.schema_name, sorted(PREDEFINED))
        schema = found
    schema = schema.with_constraints(request.constraints)
    return schema.with_tag(EDGE_CASE_TAG if wants_edge_cases(request) else None)


def describe_fields(schema: EntitySchema) -> list[str]:
    """Field names for GetSchemas: dotted for nested fields, parents before children."""
    return [path for path, _ in iter_field_paths(schema.fields)]
