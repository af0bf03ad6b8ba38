"""JSON Schema for structured output, built from an entity's fields and rules.

The schema carries the batch's scenario distribution itself: `records` is an object with one
array per scenario, each with exactly as many items as that scenario asks (`minItems` =
`maxItems`), so a model that follows the schema cannot mislabel a record or miscount a
scenario -- the slip real models make when they label records with a `_scenario` field (4
`single_item` carts where 1 was asked). Per scenario, the record schema also says what the
entity's scenario fixes (a `single_item` cart's `items` hold exactly one), and every array is
bounded (`maxItems` from the rule, else `MODEL_ARRAY_MAX`), so a weak model cannot run away.

One schema serves both providers: Anthropic takes it as a tool's `input_schema` (which must be
an object, hence the `{"records": ...}` wrapper) and OpenAI-compatible servers as
`response_format` `json_schema` in strict mode (vLLM and llama.cpp turn it into a grammar).
Strict mode wants every property listed in `required` and `additionalProperties: false`, so
optional fields are required-but-nullable instead. Which keywords a provider honours differs;
`without_keywords` drops the ones a provider would reject, and validation catches what a
provider ignores.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from generators.core.request import FieldSpec
from generators.core.schema import EntitySchema, is_free_text
from generators.entities.lookup import behaviour_of
from generators.kinds.kind import FieldAt
from generators.kinds.registry import kind_of

RECORDS_KEY = "records"
#: The most items an array may hold in a model's answer when no `max_length` rule says (the
#: traditional path makes 1-3): bounded so that a weak model cannot fill its output budget
#: with one array.
MODEL_ARRAY_MAX = 10
#: The longest string a model may write when no `max_length` rule says: free text (a review's
#: body) and anything else (a name, a category). Grammar-constrained servers (vLLM, llama.cpp)
#: stop a runaway string there; the record checks hold only the rules' own lengths.
MODEL_TEXT_MAX = 400
MODEL_SHORT_TEXT_MAX = 40

ArrayBounds = Mapping[str, tuple[int, int]]


def records_json_schema(
    fields: tuple[FieldSpec, ...],
    schema: EntitySchema,
    *,
    counts: Mapping[str, int],
    tags: Sequence[str] = (),
) -> dict[str, Any]:
    """`{"records": {scenario: [exactly count objects], ...}}` as a JSON Schema object, one
    array per entry of `counts` (scenario name -> records), in that order. Each record has the
    `fields` (with the arrays its scenario fixes) and the string `tags`."""
    arrays = behaviour_of(schema).scenario_arrays
    groups = {}
    for scenario, count in counts.items():
        record = object_schema(fields, schema, "", arrays(scenario))
        for tag in tags:
            record["properties"][tag] = {"type": "string"}
            record["required"].append(tag)
        groups[scenario] = {"type": "array", "items": record, "minItems": count, "maxItems": count}
    return _closed({RECORDS_KEY: _closed(groups)})


def object_schema(
    fields: tuple[FieldSpec, ...], schema: EntitySchema, prefix: str, arrays: ArrayBounds
) -> dict[str, Any]:
    return _closed(
        {spec.name: field_schema(spec, schema, f"{prefix}{spec.name}", arrays) for spec in fields}
    )


def field_schema(
    spec: FieldSpec, schema: EntitySchema, path: str, arrays: ArrayBounds = MappingProxyType({})
) -> dict[str, Any]:
    """The field's kind's schema, with its description; optional fields are nullable; arrays
    bounded by the scenario's fixed length, else their rule, else `MODEL_ARRAY_MAX`."""
    rule = schema.rule(path)
    result = kind_of(spec.type).json_schema(
        FieldAt(spec, path, rule),
        lambda fields, prefix: object_schema(fields, schema, prefix, arrays),
    )
    if result.get("type") == "array":
        low, high = arrays.get(path, (result.get("minItems", 0), result.get("maxItems")))
        result["minItems"] = low
        result["maxItems"] = high if high is not None else max(low, MODEL_ARRAY_MAX)
    elif result.get("type") == "string" and not {"enum", "format", "pattern"} & result.keys():
        longest = MODEL_TEXT_MAX if is_free_text(spec) else MODEL_SHORT_TEXT_MAX
        result.setdefault("maxLength", max(longest, result.get("minLength", 0)))
    if spec.description:
        result["description"] = spec.description
    if not spec.required:
        result["type"] = [result["type"], "null"]
        if "enum" in result:
            result["enum"] = [*result["enum"], None]
    return result


def without_keywords(node: Any, dropped: frozenset[str]) -> Any:
    """`node` with every keyword in `dropped` removed at every level (property names that
    happen to equal a keyword are kept)."""
    if isinstance(node, list):
        return [without_keywords(item, dropped) for item in node]
    if not isinstance(node, dict):
        return node
    result = {}
    for key, value in node.items():
        if key == "properties" and isinstance(value, dict):
            result[key] = {name: without_keywords(sub, dropped) for name, sub in value.items()}
        elif key not in dropped:
            result[key] = without_keywords(value, dropped)
    return result


#: Characters a string of no stated length, and a number, take at most in the answer's JSON.
_TEXT_CHARS = MODEL_SHORT_TEXT_MAX
_NUMBER_CHARS = 10
#: JSON as models tokenize it: about 3.5 characters a token (English prose is nearer 4; keys,
#: quotes and digits split finer).
_CHARS_PER_TOKEN = 3.5
#: Room for the whitespace a model adds between tokens.
_SLACK = 1.2


def output_token_budget(json_schema: Mapping[str, Any]) -> int:
    """Output tokens the longest answer `json_schema` allows needs, with slack: the `max_tokens`
    to ask for, so that a model that runs away is cut at a size a right answer never reaches
    (every array and string in the schema is bounded)."""
    return math.ceil(_chars(json_schema) / _CHARS_PER_TOKEN * _SLACK) + 16


def _chars(node: Mapping[str, Any]) -> int:
    kind = node.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if "enum" in node:
        return max((len(str(v)) + 2 for v in node["enum"]), default=4)
    if kind == "object":
        properties = node.get("properties", {})
        return 2 + sum(len(name) + 4 + _chars(sub) for name, sub in properties.items())
    if kind == "array":
        most = node.get("maxItems", MODEL_ARRAY_MAX)
        return 2 + int(most) * (_chars(node.get("items", {})) + 1)
    if kind in ("integer", "number", "boolean", "null"):
        return _NUMBER_CHARS
    return int(node.get("maxLength", _TEXT_CHARS)) + 2


def _closed(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
