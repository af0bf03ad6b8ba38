"""What an output format is: it formats a reply's chunks and merges them into the answer.

A reply streams as chunks of text. For CSV and SQL the chunks simply concatenate into the whole
answer (the first chunk carries the CSV header or the CREATE TABLE), and every record's text
depends on that record alone, so the whole answer is byte-identical however the records are cut
into chunks. For JSON each chunk is a complete JSON array, as the proto's DataChunk promises, and
its `merge` joins them.

Layout comes from the schema, not from the records, so every chunk has the same columns:
`_index`, `_scenario`, the schema's tags, then the fields. CSV flattens objects into dotted
columns (`address.city`) and puts arrays in one cell as JSON; SQL keeps one column per top-level
field and stores objects and arrays as JSON text. Keys a record has beyond the schema are not
written to CSV or SQL.

A format is one module (`json`, `csv`, `sql`) with an `OutputFormatter`, and one case in
`generators.output.registry`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

import orjson

from generators.core.request import OutputFormat, Scenario
from generators.core.schema import EntitySchema

#: The tags every record carries, first in every layout.
RECORD_TAGS: tuple[str, ...] = ("_index", "_scenario")


def json_text(value: Any) -> str:
    """`value` as compact JSON text (objects and arrays in CSV cells and SQL text columns)."""
    return orjson.dumps(value).decode()


class ChunkFormatter(Protocol):
    def format(self, records: Sequence[Mapping[str, Any]], first: bool) -> str:
        """One chunk of text; `first` marks the chunk that starts the answer."""
        ...


class OutputFormatter(Protocol):
    """One output format: a formatter per answer, and how its chunks make the whole answer."""

    @property
    def output_format(self) -> OutputFormat: ...

    def formatter(self, schema: EntitySchema, scenarios: Sequence[Scenario]) -> ChunkFormatter:
        """The formatter for one answer. `scenarios` (the request's) let SQL pick TEXT columns
        for DATE/DATETIME fields that a scenario overrides with a value a typed column cannot
        hold."""
        ...

    def merge(self, chunks: Iterable[str]) -> str:
        """The chunks of one answer, in order, as the whole answer."""
        ...
