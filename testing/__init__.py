"""Deliberate test doubles and helpers, for the project's tests and bench (never imported by
the service): an in-memory publisher, knowledge base and data pools, local HTTP servers that
speak the Anthropic and OpenAI APIs, generating a request all at once, and the dev stack
(worker processes, isolated settings, private Redis and Weaviate)."""
