"""Every output format's module, by an exhaustive match (a new `OutputFormat` fails mypy here
until it has one)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import assert_never

from generators.core.request import OutputFormat, Scenario
from generators.core.schema import EntitySchema
from generators.output.csv import CSV
from generators.output.format import ChunkFormatter, OutputFormatter
from generators.output.json import JSON
from generators.output.sql import SQL


def format_of(output_format: OutputFormat) -> OutputFormatter:
    match output_format:
        case OutputFormat.JSON:
            return JSON
        case OutputFormat.CSV:
            return CSV
        case OutputFormat.SQL:
            return SQL
        case _:
            assert_never(output_format)


def make_formatter(
    output_format: OutputFormat, schema: EntitySchema, *, scenarios: Sequence[Scenario] = ()
) -> ChunkFormatter:
    """The formatter for one answer in `output_format`."""
    return format_of(output_format).formatter(schema, scenarios)


def merge_chunks(output_format: OutputFormat, chunks: Iterable[str]) -> str:
    """One answer's chunks, in order, as the whole answer in `output_format`."""
    return format_of(output_format).merge(chunks)
