"""A generated record: plain JSON data. Every record carries `_index` (0-based, unique within
its request) and `_scenario`; paths add `_`-prefixed tags of their own, declared on the
schema (`EntitySchema.tags`) so that CSV and SQL give them columns."""

from __future__ import annotations

from typing import Any

Record = dict[str, Any]
