"""The interface callers depend on: text in, unit-length vectors out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class Embedder(Protocol):
    """Turns text into fixed-size, L2-normalised vectors (cosine similarity = dot product)."""

    @property
    def dimensions(self) -> int:
        """Length of every vector this embedder returns."""
        ...

    @property
    def model_name(self) -> str:
        """Name of the model, stored beside the vectors so mixed models can be detected."""
        ...

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """One vector per text, in input order; an empty input gives an empty list."""
        ...

    def embed_one(self, text: str) -> list[float]:
        """The vector of a single text."""
        ...
