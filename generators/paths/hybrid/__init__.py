"""The hybrid path: retrieved knowledge in the LLM's prompt, RAG records as its skeletons."""
