"""The LLM path against a real model: SmolLM2-135M-Instruct behind llama.cpp's OpenAI-compatible
server (`services/llama.sh`, started with the other services), its JSON schema enforced as a
grammar. The model is weak and slow (about 30 tokens/s under a schema on two cores): these
tests assert where records came from, their shape and their validity, never its prose."""

from __future__ import annotations

import os
import uuid
from collections import Counter
from decimal import Decimal

import pytest
from pydantic import SecretStr

from clients._common import CallLimits
from clients.openai_backend import OpenAICompatibleBackend
from generators.core.protocol import RunContext
from generators.core.record import Record
from generators.core.request import FieldConstraint, FieldSpec, FieldType, GenerationRequest
from generators.entities.registry import resolve_schema
from generators.paths.llm.backend import LLMCall
from generators.paths.llm.generator import LLMGenerator, LLMRun
from generators.paths.llm.record_checks import RecordChecks
from generators.paths.traditional.generator import TraditionalGenerator
from testing.requests import req_001_request

pytestmark = pytest.mark.integration

LLAMA_URL = os.environ.get("LLAMA_URL", "http://127.0.0.1:8095")
MODEL = "smollm2-135m-instruct"


def local_model() -> OpenAICompatibleBackend:
    return OpenAICompatibleBackend(
        api_key=SecretStr("local"),
        base_url=f"{LLAMA_URL}/v1",
        model=MODEL,
        server="llama.cpp",
        limits=CallLimits(timeout_s=150.0, max_retries=0, total_timeout_s=150.0),
    )


async def generate(request: GenerationRequest) -> tuple[list[Record], LLMRun]:
    backend = local_model()
    schema = resolve_schema(request)
    llm_run = LLMGenerator([backend], TraditionalGenerator()).start(request, schema, RunContext(50))
    records = [record async for batch in llm_run for record in batch]
    await backend.close()
    return records, llm_run


def assert_valid(records: list[Record], request: GenerationRequest) -> None:
    checks = RecordChecks(resolve_schema(request))
    assert {r["_index"]: checks.problems(r) for r in records if checks.problems(r)} == {}


@pytest.mark.timeout(600)
async def test_req_001_ends_on_the_llm_path_with_exact_counts_and_cart_math() -> None:
    request = req_001_request("local-req-001")
    records, llm_run = await generate(request)

    outcome = llm_run.outcome
    assert outcome.path_used == "llm", outcome.fallbacks
    (batch,) = outcome.batches
    assert batch["backends"] == ["openai-compatible"] and batch["kept"] + batch["repaired"] > 0
    assert Counter(r["_scenario"] for r in records) == {
        "happy_path": 7,
        "high_value": 2,
        "single_item": 1,
    }
    assert_valid(records, request)
    for cart in records:
        subtotal = sum(Decimal(str(i["price"])) * i["quantity"] for i in cart["items"])
        assert Decimal(str(cart["subtotal"])) == subtotal
        assert Decimal(str(cart["total"])) == Decimal(str(cart["subtotal"])) + Decimal(
            str(cart["tax"])
        )
    assert outcome.tokens.input > 0 and outcome.tokens.output > 0


@pytest.mark.timeout(600)
async def test_a_custom_schema_ends_on_the_llm_path_with_valid_records() -> None:
    request = GenerationRequest(
        request_id="local-custom",
        count=4,
        fields=(
            FieldSpec("listing_id", FieldType.STRING),
            FieldSpec("title", FieldType.STRING, description="product listing title"),
            FieldSpec("description", FieldType.STRING, description="two sentences for shoppers"),
            FieldSpec("stock", FieldType.INTEGER),
        ),
        constraints={
            "title": FieldConstraint(max_length=60),
            "stock": FieldConstraint(min=0, max=500),
        },
        hints=("realistic",),
    )
    records, llm_run = await generate(request)

    assert llm_run.outcome.path_used == "llm", llm_run.outcome.fallbacks
    assert [r["_index"] for r in records] == [0, 1, 2, 3]
    assert_valid(records, request)
    written = [r for r in records if r["title"] and r["description"]]
    assert all(len(r["title"]) <= 60 for r in written)


async def test_the_model_server_reports_its_prompt_cache_hits() -> None:
    backend = local_model()
    schema = {
        "type": "object",
        "properties": {"word": {"type": "string", "maxLength": 12}},
        "required": ["word"],
        "additionalProperties": False,
    }
    system = f"Run {uuid.uuid4().hex}: answer in JSON."  # a prefix the server has not seen
    stable = "You name colours. " + "Colours are names for light we see. " * 40
    first = await backend.complete(LLMCall(system, stable, "One colour.", schema, 16))
    second = await backend.complete(LLMCall(system, stable, "Another.", schema, 16))
    await backend.close()

    assert first.cached_input_tokens < first.input_tokens // 4
    assert second.cached_input_tokens > second.input_tokens // 2
