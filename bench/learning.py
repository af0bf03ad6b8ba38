"""`python -m bench.learning`: the RAG path, the learning loop and the data-pool cache, measured.

Starts its own worker and bridge on the local Kafka, Redis and Weaviate, seeds a knowledge base
of its own, then prints:
- the lag from publishing a DefectReported event to the defect being the top hit of a search
  for its own description (the worker consumes, embeds and upserts it in between);
- GenerateData latency on the RAG path (10 defect-triggering users) against the traditional
  path (10 users) in the same run;
- a `use_cache` request served from its pool against the same request generated afresh;
- the worker's peak RSS once the embedding model is loaded.
Every loop is bounded in count; traffic goes only to 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from bench.table import print_rows

DEFECTS = 20
CALLS = 60
CACHE_CALLS = 20
#: The cache is measured for a plain request and for one the RAG path answers.
CACHE_RUNS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("traditional", {}),
    ("RAG", {"defect_triggering": True}),
)


def _p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1]


async def measure() -> list[tuple[str, str, str]]:
    import grpc

    from bench.__main__ import peak_rss_mb
    from bridge.server import running_bridge
    from contracts._proto import test_data_pb2 as pb
    from contracts._proto import test_data_pb2_grpc as pb_grpc
    from contracts.avro import AvroCodec, Contract
    from embeddings import MiniLMEmbedder
    from generators.core.knowledge import PatternQuery
    from generators.knowledge.starter_set import load_starter_set
    from streams.seed import seed
    from testing.stack import (
        WorkerProcess,
        delete_run_topics,
        isolated_settings,
        kafka_producer,
        wait_for_workers,
    )
    from testing.weaviate import InspectableStore

    settings = isolated_settings(rate_limit_per_s=0)
    store = InspectableStore.from_settings(settings.rag, MiniLMEmbedder.from_package())
    await seed(store, load_starter_set())
    worker = WorkerProcess(settings)
    rows: list[tuple[str, str, str]] = []
    codec = AvroCodec()
    try:
        await wait_for_workers(settings)
        lags = []
        async with kafka_producer(settings) as producer:
            for n in range(DEFECTS):
                defect_id = f"DEF-BENCH-{uuid.uuid4().hex[:8]}"
                description = f"bench defect {n}: checkout rejects postal code variant {n}"
                event = {
                    "defect_id": defect_id,
                    "domain": "ecommerce",
                    "entity": "order",
                    "trigger_data": json.dumps({"shipping_method": "bopis"}),
                    "defect_description": description,
                    "severity": "medium",
                    "discovered_at": datetime.now(UTC),
                }
                query = PatternQuery(
                    "ecommerce", "order", description, 1, patterns=False, defects=True
                )
                started = time.perf_counter()
                await producer.send_and_wait(
                    settings.defects_topic,
                    codec.encode(Contract.DEFECT_REPORTED, event),
                    key=defect_id.encode(),
                )
                while True:
                    found = await store.retrieve(query)
                    if [d.defect_id for d in found.defects] == [defect_id]:
                        break
                    if time.perf_counter() - started > 60:
                        msg = f"{defect_id} not retrievable after 60 s"
                        raise TimeoutError(msg)
                    await asyncio.sleep(0.02)
                lags.append((time.perf_counter() - started) * 1000)
        rows.append(
            (
                f"defect published -> top search hit ({DEFECTS} defects)",
                f"p50 {statistics.median(lags):.0f} ms",
                f"max {max(lags):.0f} ms",
            )
        )
        async with (
            running_bridge(settings, port=0) as bridge,
            grpc.aio.insecure_channel(f"127.0.0.1:{bridge.port}") as channel,
        ):
            stub = pb_grpc.TestDataServiceStub(channel)

            async def latencies(request: pb.GenerateRequest) -> list[float]:
                for _ in range(5):
                    await stub.GenerateData(request, timeout=30)
                times = []
                for _ in range(CALLS):
                    started = time.perf_counter()
                    response = await stub.GenerateData(request, timeout=30)
                    times.append((time.perf_counter() - started) * 1000)
                    assert response.success, response.error
                return times

            rag = await latencies(
                pb.GenerateRequest(
                    entity="user", count=10, defect_triggering=True, context="unicode names"
                )
            )
            plain = await latencies(pb.GenerateRequest(entity="user", count=10))
            rows.append(
                (
                    "GenerateData 10 users, RAG path",
                    f"p50 {statistics.median(rag):.1f} ms",
                    f"p99 {_p(rag, 99):.1f} ms; traditional p50 {statistics.median(plain):.1f} ms"
                    f" ({statistics.median(rag) / statistics.median(plain):.1f}x)",
                )
            )
            for label, flags in CACHE_RUNS:
                hits: list[float] = []
                misses: list[float] = []
                for n in range(CACHE_CALLS):
                    context = f"bench cache {uuid.uuid4().hex}"
                    for kind in (misses, hits):  # the first call fills the pool
                        started = time.perf_counter()
                        response = await stub.GenerateData(
                            pb.GenerateRequest(
                                request_id=f"c{label}{n}{len(kind)}",
                                entity="order",
                                count=500,
                                use_cache=True,
                                context=context,
                                **flags,
                            ),
                            timeout=30,
                        )
                        kind.append((time.perf_counter() - started) * 1000)
                        assert response.success, response.error
                hit, miss = statistics.median(hits), statistics.median(misses)
                rows.append(
                    (
                        f"500 orders ({label}), use_cache hit",
                        f"p50 {hit:.1f} ms",
                        f"miss p50 {miss:.1f} ms (hit {miss / hit:.1f}x as fast as a miss)",
                    )
                )
        rows.append(
            (
                "worker peak RSS, embedding model loaded",
                f"{peak_rss_mb(worker.process.pid):.0f} MB",
                "<= 300 MB",
            )
        )
    finally:
        worker.stop()
        await delete_run_topics(settings)
        await store.delete_collections()
        await store.aclose()
    return rows


def main() -> None:
    rows = asyncio.run(measure())
    print_rows(rows)


if __name__ == "__main__":
    main()
