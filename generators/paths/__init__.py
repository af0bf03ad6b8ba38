"""The four generation paths, siblings: `traditional`, `llm`, `rag`, and `hybrid`, which
composes the LLM and RAG paths. Each implements `generators.core.protocol.Generator` and says
how the router weighs it (`routing`); the worker lists them in `streams/wiring.py`."""
