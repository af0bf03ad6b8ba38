"""The worker process: a Faust app whose agents hand raw events to Faust-free flows.

The flows: a request is decoded, validated, routed, generated and answered in chunks
(`processor`, with the data-pool cache around it in `cache`, replies in `replies`, dead letters
in `dead_letters`); defect and feedback events are written to the knowledge base (`indexer`).
`app` builds the Faust app, `wiring` the clients and generation paths from settings;
`python -m streams` runs a worker and `python -m streams.seed` loads the starter knowledge.
The wire contracts are in `contracts/`.
"""
