"""The predefined entities, registered once each, and how a request picks its schema.

Adding an entity takes a package `generators/entities/<name>/` (its declaration in `__init__.py`,
its worker-side behaviour in `behaviour.py`) and one `register` line below; see
`docs/architecture.md`. Everything else (validation, GetSchemas, routing, prompts, coherence,
edge cases, the LLM and RAG paths) finds the entity here by its schema's name.
"""

from __future__ import annotations

from generators.core.errors import UnknownSchemaError
from generators.core.hints import EDGE_CASE_TAG, wants_edge_cases
from generators.core.request import FieldSpec, GenerationRequest
from generators.core.schema import EntitySchema, iter_field_paths
from generators.entities import cart, order, payment, review, user
from generators.entities.declaration import Entity

#: Name of a custom schema whose request names no entity.
CUSTOM_SCHEMA_NAME = "custom"

ENTITIES: dict[str, Entity] = {}


def register(entity: Entity) -> None:
    """Make `entity` known to every part of the service (once per name)."""
    if entity.name in ENTITIES:
        msg = f"entity {entity.name!r} is registered already"
        raise ValueError(msg)
    ENTITIES[entity.name] = entity


register(cart.CART)
register(order.ORDER)
register(payment.PAYMENT)
register(user.USER)
register(review.REVIEW)


def entities() -> list[Entity]:
    """Every registered entity, in registration order."""
    return list(ENTITIES.values())


def entity_named(name: str) -> Entity | None:
    return ENTITIES.get(name)


def predefined_schema(name: str) -> EntitySchema:
    """The schema of the predefined entity `name`; `UnknownSchemaError` when there is none."""
    entity = ENTITIES.get(name)
    if entity is None:
        raise UnknownSchemaError(name, sorted(ENTITIES))
    return entity.schema


def entity_of(schema: EntitySchema) -> Entity | None:
    """The predefined entity whose records `schema` describes; None for a custom schema."""
    return ENTITIES.get(schema.name) if schema.predefined else None


def list_schemas(domain: str = "") -> list[EntitySchema]:
    """Predefined schemas, optionally only those of one domain (case-insensitive)."""
    wanted = domain.strip().lower()
    return [e.schema for e in ENTITIES.values() if not wanted or e.schema.domain.lower() == wanted]


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
        schema = predefined_schema(request.schema_name)
    schema = schema.with_constraints(request.constraints)
    return schema.with_tag(EDGE_CASE_TAG if wants_edge_cases(request) else None)


def fields_of(request: GenerationRequest) -> tuple[FieldSpec, ...] | None:
    """The request's fields (custom, else its predefined entity's), or None when the schema
    is unknown."""
    if request.fields:
        return request.fields
    entity = ENTITIES.get(request.schema_name)
    return entity.schema.fields if entity is not None else None


def describe_fields(schema: EntitySchema) -> list[str]:
    """Field names for GetSchemas: dotted for nested fields, parents before children."""
    return [path for path, _ in iter_field_paths(schema.fields)]
