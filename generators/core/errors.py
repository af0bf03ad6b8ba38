"""Exceptions the pure core raises when a request cannot be served as asked."""

from __future__ import annotations


class GenerationError(Exception):
    """Base of every error the pure core raises on purpose."""


class UnknownSchemaError(GenerationError):
    """The request names no predefined schema we know and brings no custom fields."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        self.known = known
        wanted = f"unknown schema {name!r}" if name else "no entity, predefined schema or fields"
        super().__init__(f"{wanted}; known schemas: {', '.join(known)}; or send custom fields")


class ScenarioPlanError(GenerationError):
    """Scenario counts that no plan can honour (negative, or more than `count`)."""
