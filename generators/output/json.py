"""JSON: each chunk is a complete JSON array of its records (as the proto's DataChunk
promises), and the whole answer is the arrays merged into one, by text."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import orjson

from generators.core.request import OutputFormat, Scenario
from generators.core.schema import EntitySchema
from generators.output.format import ChunkFormatter


class JsonChunkFormatter:
    def format(self, records: Sequence[Mapping[str, Any]], first: bool) -> str:
        return orjson.dumps(list(records)).decode()


def merge_json_chunks(chunks: Iterable[str]) -> str:
    """JSON-array chunks joined into one array, by text: strip brackets, join with commas."""
    bodies = []
    for chunk in chunks:
        text = chunk.strip()
        if not (text.startswith("[") and text.endswith("]")):
            msg = f"not a JSON array chunk: {text[:40]!r}"
            raise ValueError(msg)
        body = text[1:-1].strip()
        if body:
            bodies.append(body)
    return f"[{','.join(bodies)}]"


class JsonFormat:
    output_format = OutputFormat.JSON

    def formatter(self, schema: EntitySchema, scenarios: Sequence[Scenario]) -> ChunkFormatter:
        return JsonChunkFormatter()

    def merge(self, chunks: Iterable[str]) -> str:
        return merge_json_chunks(chunks)


JSON = JsonFormat()
