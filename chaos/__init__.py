"""The fault suite: `python -m chaos` (`make chaos`) kills and restarts real processes (worker,
bridge, a broker, Redis, Weaviate) under load and checks what callers received against one
invariant (`chaos.invariant`). Each scenario returns a `ScenarioResult`, held or broken with
its figures; `tests/chaos/` runs the fast ones in `make test`. Never imported by the service.
"""
