"""Entity schemas: the five predefined ecommerce entities, custom schemas from requests, and
the dotted-path helpers that validation, generators, coherence and formatters share."""

from generators.schemas.model import (
    ADDRESS_PARTS,
    TEXT_FIELD_WORDS,
    EntitySchema,
    children,
    field_name_words,
    find_field,
    is_free_text,
    iter_field_paths,
    merge_constraint,
)
from generators.schemas.registry import (
    CUSTOM_SCHEMA_NAME,
    PREDEFINED,
    describe_fields,
    list_schemas,
    resolve_schema,
)

__all__ = [
    "ADDRESS_PARTS",
    "CUSTOM_SCHEMA_NAME",
    "PREDEFINED",
    "TEXT_FIELD_WORDS",
    "EntitySchema",
    "children",
    "describe_fields",
    "field_name_words",
    "find_field",
    "is_free_text",
    "iter_field_paths",
    "list_schemas",
    "merge_constraint",
    "resolve_schema",
]
