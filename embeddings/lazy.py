"""An embedder that loads its model on first use (the model is ~90 MB in memory)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from embeddings.base import Embedder


class LazyEmbedder:
    def __init__(self, load: Callable[[], Embedder], *, dimensions: int = 384) -> None:
        self._load = load
        self._model: Embedder | None = None
        self._lock = threading.Lock()
        self._dimensions = dimensions

    def _loaded(self) -> Embedder:
        with self._lock:
            if self._model is None:
                self._model = self._load()
            return self._model

    @property
    def dimensions(self) -> int:
        return self._model.dimensions if self._model is not None else self._dimensions

    @property
    def model_name(self) -> str:
        return self._loaded().model_name

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        return self._loaded().embed(texts)

    def embed_one(self, text: str) -> list[float]:
        return self._loaded().embed_one(text)
