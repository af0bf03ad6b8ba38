"""The learning loop's pure part: what to ask the knowledge base for a request (`query`),
defect and feedback events into knowledge (`learning`), and the bundled starter set
(`starter_set`, data in `seed/`). The knowledge model itself is in `generators.core.knowledge`."""
