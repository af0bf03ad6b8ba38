"""The edges: every call to a service is made here, behind the small interfaces the core
declares, and each client translates its library's errors into the core's error tree. Kafka
administration, Redis (data pools), Weaviate (knowledge base), Anthropic and OpenAI-compatible
model APIs."""
