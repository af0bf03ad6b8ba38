"""Text embeddings: turning text into vectors for the Weaviate collections.

The package owns the embedding model and nothing around it: pure compute, no I/O besides
reading the bundled weights once when an embedder is built. Callers depend on `Embedder`;
`MiniLMEmbedder` is all-MiniLM-L6-v2 run with numpy (see `embeddings.minilm` for why).
"""

from embeddings.base import Embedder
from embeddings.minilm import MODEL_NAME, MiniLMEmbedder

__all__ = ["MODEL_NAME", "Embedder", "MiniLMEmbedder"]
