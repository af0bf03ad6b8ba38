"""`python -m streams.seed`: load the bundled starter knowledge into Weaviate.

Creates the three collections if missing (on connect) and upserts the starter patterns, defects and
production samples (`generators/knowledge/seed/`). Every object has a content-derived or defect-id
UUID, so running it again changes nothing; feedback already folded into a starter pattern is
kept (its ratings are merged, not replaced).
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time

from clients.weaviate_store import WeaviatePatternStore
from config import Settings
from generators.core.errors import PatternStoreUnavailable
from generators.knowledge.starter_set import StarterSet, load_starter_set
from observability.logs import configure_logging
from streams.wiring import knowledge_store

log = logging.getLogger("streams.seed")


async def seed(store: WeaviatePatternStore, starter: StarterSet) -> None:
    await store.merge_patterns(starter.patterns)
    await store.upsert_defects(starter.defects)
    await store.upsert_samples(starter.samples)


async def _main(settings: Settings) -> int:
    starter = load_starter_set()
    store = knowledge_store(settings.rag)
    started = time.perf_counter()
    try:
        await seed(store, starter)
    except PatternStoreUnavailable as exc:
        log.error("could not seed the knowledge base: %s", exc)
        return 1
    finally:
        await store.aclose()
    log.info(
        "seeded %s: %d patterns, %d defects, %d production samples in %.1fs",
        settings.rag.weaviate_url,
        len(starter.patterns),
        len(starter.defects),
        len(starter.samples),
        time.perf_counter() - started,
    )
    return 0


def main() -> None:
    settings = Settings()
    configure_logging(settings.observability, "seed")
    sys.exit(asyncio.run(_main(settings)))


if __name__ == "__main__":
    main()
