"""Weaviate SIGKILLed and started again: while it is down, RAG requests are answered on the
traditional path with the reason; once it is back, on the RAG path again. A private Weaviate
(its own ports and state), seeded with the starter set, so the shared one stays up."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from chaos.calls import request, said, took, unary
from chaos.invariant import check_answers
from chaos.processes import chaos_settings, running, seconds_since
from chaos.recovery import RECOVERY_LIMIT_S, served_again
from chaos.result import Figure, ScenarioResult
from chaos.services import KillableWeaviate
from config import Settings
from contracts._proto import test_data_pb2 as pb
from embeddings import MiniLMEmbedder
from generators.knowledge.starter_set import load_starter_set
from streams.seed import seed
from testing.weaviate import InspectableStore


def _rag() -> pb.GenerateRequest:
    return request(
        "rag",
        "user",
        20,
        domain="ecommerce",
        defect_triggering=True,
        context="unicode and emoji in names",
    )


async def _seed(settings: Settings) -> None:
    store = InspectableStore.from_settings(settings.rag, MiniLMEmbedder.from_package())
    await seed(store, load_starter_set())
    await store.aclose()


async def weaviate_killed_and_back() -> ScenarioResult:
    with tempfile.TemporaryDirectory() as tmp:
        weaviate = KillableWeaviate(Path(tmp) / "weaviate")
        weaviate.start()
        try:
            settings = chaos_settings(
                weaviate_url=weaviate.url, weaviate_grpc_port=weaviate.grpc_port
            )
            await _seed(settings)
            async with running(settings) as stack:
                stub = stack.client()
                before, before_meta = await unary(stub, _rag(), timeout=30)
                weaviate.kill()
                down, down_meta = await unary(stub, _rag(), timeout=30)
                started = time.monotonic()
                weaviate.start()
                restart_s = seconds_since(started)
                answers = [before, down]
                recovered = await served_again(
                    stub,
                    _rag,
                    lambda answer, metadata: answer.complete and metadata.generation_path == "rag",
                    answers,
                )
        finally:
            weaviate.stop()
    problems = check_answers(answers, must_complete=True)
    if before_meta.generation_path != "rag":
        problems.append(f"before the kill the path was {before_meta.generation_path!r}, not rag")
    if down_meta.generation_path == "rag" or "weaviate" not in said(down_meta).lower():
        problems.append(f"with Weaviate down: {down_meta.generation_path}, {said(down_meta)!r}")
    if recovered is None:
        problems.append(f"no RAG answer {RECOVERY_LIMIT_S:g}s after Weaviate came back")
    figures: dict[str, Figure] = {
        "answers": len(answers),
        "down_path": down_meta.generation_path,
        "down_answer_s": took(down),
        "weaviate_restart_s": restart_s,
        "rag_again_after_s": recovered if recovered is not None else "never",
        "down_says": said(down_meta)[:70],
    }
    return ScenarioResult.of("weaviate-killed-and-back", figures, problems)
