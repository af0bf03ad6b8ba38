"""Generation, without I/O: the layers, bottom to top (docs/architecture.md draws them).

`core` (request, schema and knowledge model, generator protocol, errors, hints) imports nothing
of the project; `values` are value primitives and `knowledge` the learning loop's pure part;
`kinds` say what each field type means; `entities` are the predefined entities; `quality`
(validation, coherence), `output` (formats) and `cache` (data pools) use them; `paths` are the
four generation paths, siblings. import-linter holds the order (`make lint`).
"""
