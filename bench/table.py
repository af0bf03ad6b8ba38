"""The figures' table every bench module prints: name, value, what it is held to."""

from __future__ import annotations

Row = tuple[str, str, str]


def print_rows(rows: list[Row]) -> None:
    width = max(len(name) for name, _, _ in rows)
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>18}  {note}")
