"""The RAG path: records adapted from what the knowledge base retrieved (`generator`,
`adapter`, `overlay`, `distributions`). The knowledge base is behind `PatternStore`."""
