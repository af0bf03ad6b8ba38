"""The hybrid path with the real Claude SDK against a local server speaking its API, and the
run's knowledge base on the real Weaviate: retrieved defects reach the prompt, the model
writes the records, and the defect's trigger values survive the rewrite."""

from __future__ import annotations

import uuid

import pytest
from pydantic import SecretStr

from config import Settings
from generators.core.protocol import GenerationPath, RunContext
from generators.core.request import GenerationRequest
from generators.entities.registry import resolve_schema
from generators.knowledge.learning import defect_from_event
from router.intelligence import route
from streams.wiring import build_paths, llm_backends
from testing.llm_servers import StubLLMServer, request_prompt
from testing.weaviate import InspectableStore

pytestmark = pytest.mark.integration


async def test_defects_reach_the_prompt_and_their_triggers_survive_the_model(
    settings: Settings, knowledge: InspectableStore
) -> None:
    tag = uuid.uuid4().hex[:6]
    trigger = f"Þórdís-{tag}"
    await knowledge.upsert_defects(
        [
            defect_from_event(
                {
                    "defect_id": f"DEF-H-{tag}",
                    "domain": "ecommerce",
                    "entity": "user",
                    "trigger_data": f'{{"first_name": "{trigger}"}}',
                    "defect_description": "Icelandic thorn letter in a first name broke SSO",
                    "severity": "high",
                }
            )
        ]
    )
    request = GenerationRequest(
        f"h-{tag}",
        domain="ecommerce",
        entity="user",
        count=6,
        hints=("realistic",),
        defect_triggering=True,
        context="single sign-on failing on an Icelandic thorn letter in the first name",
    )
    async with StubLLMServer("anthropic") as claude:
        llm_settings = settings.model_copy(
            update={
                "anthropic_api_key": SecretStr("sk-ant-test"),
                "anthropic_base_url": claude.base_url,
                "llm_max_retries": 0,
            }
        )
        paths = {
            path.name: path
            for path in build_paths(
                llm_settings.generation,
                llm_settings.llm,
                llm_settings.rag,
                store=knowledge,
                backends=llm_backends(llm_settings.llm),
            )
        }
        decision = route(request, {n: p.routing for n, p in paths.items()}, frozenset(paths))
        hybrid = paths[decision.path]
        schema = hybrid.output_schema(request, resolve_schema(request))
        run = hybrid.start(request, schema, RunContext(hybrid.batch_size))
        records = [record async for batch in run for record in batch]

    assert decision.path == GenerationPath.HYBRID
    assert run.outcome.path_used == GenerationPath.HYBRID
    assert run.outcome.tokens_used == claude.reported_tokens > 0
    prompt = request_prompt(claude.requests[0])
    assert "HISTORICAL DEFECT PATTERNS" in prompt and "Icelandic thorn letter" in prompt
    carrying = [r for r in records if r["first_name"] == trigger]
    assert carrying and all(r["_source"] == f"defect:DEF-H-{tag}" for r in carrying)
    assert all(r["_edge_case_type"] for r in records)
