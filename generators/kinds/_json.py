"""Overrides of structured fields: JSON text of the right shape."""

from __future__ import annotations

from typing import Any

import orjson


def json_of(raw: str, shape: type, name: str) -> Any:
    """`raw` parsed as JSON, which must be a `shape` (dict or list, called `name`)."""
    value = orjson.loads(raw)  # orjson.JSONDecodeError is a ValueError
    if not isinstance(value, shape):
        msg = f"expected a JSON {name}"
        raise ValueError(msg)
    return value
