"""Field kinds: what each field type means, one module per type (`registry.kind_of`)."""
