"""The stub LLM servers through the real Anthropic and OpenAI SDKs: per-scenario answers, flawed
models, truncation at `max_tokens`, prompt caching by each provider's rules, and failures that
leave a client waiting. No services needed."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from collections.abc import Callable
from typing import Any

import anthropic
import httpx
import jsonschema  # type: ignore[import-untyped]  # through kubernetes-validate (dev)
import openai
import pytest
from anthropic.types import CacheControlEphemeralParam, Message, TextBlockParam, ToolParam
from openai.types.chat import ChatCompletion
from openai.types.shared_params import ResponseFormatJSONSchema

from testing.llm_servers import (
    CLAUDE_SONNET_4_PRICES,
    GPT_4O_PRICES,
    INJECTED_RECORDS,
    INJECTED_VALUES,
    OPENAI_CACHED_INPUT_DISCOUNT,
    Script,
    ScriptedReply,
    StubLLMServer,
    count_words,
    gullible_reply,
    mislabelling_reply,
    synthesize_reply,
)

MODEL = "claude-sonnet-4-20250514"
TOOL = "emit_records"
COUNTS = {"happy_path": 7, "high_value": 2, "single_item": 1}
EPHEMERAL: CacheControlEphemeralParam = {"type": "ephemeral"}
LINE_ITEM = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "price", "quantity"],
    "properties": {
        "name": {"type": "string", "minLength": 12, "maxLength": 40},
        "price": {"type": "number", "minimum": 0.01, "maximum": 10000},
        "quantity": {"type": "integer", "minimum": 1, "maximum": 10},
    },
}


def cart_schema(items: tuple[int, int]) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["email", "payment_method", "note", "items"],
        "properties": {
            "email": {"type": "string", "format": "email"},
            "payment_method": {"type": "string", "enum": ["apple_pay", "card"]},
            "note": {"type": ["string", "null"], "maxLength": 8},
            "items": {
                "type": "array",
                "minItems": items[0],
                "maxItems": items[1],
                "items": LINE_ITEM,
            },
        },
    }


def records_schema(counts: dict[str, int]) -> dict[str, Any]:
    """The per-scenario shape: one array per scenario, exact counts; a `single_item` cart's
    `items` hold exactly one."""
    arrays = {
        name: {
            "type": "array",
            "minItems": count,
            "maxItems": count,
            "items": cart_schema((1, 1) if name == "single_item" else (1, 10)),
        }
        for name, count in counts.items()
    }
    records = {
        "type": "object",
        "additionalProperties": False,
        "required": list(arrays),
        "properties": arrays,
    }
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["records"],
        "properties": {"records": records},
    }


SCHEMA = records_schema(COUNTS)


def words(count: int, stem: str = "w") -> str:
    return " ".join(f"{stem}{i}" for i in range(count))


def tool(schema: dict[str, Any] = SCHEMA, description: str = "Return the records.") -> ToolParam:
    return {"name": TOOL, "description": description, "input_schema": schema}


def claude(server: StubLLMServer, **kwargs: Any) -> anthropic.AsyncAnthropic:
    return anthropic.AsyncAnthropic(
        api_key="k", base_url=server.base_url, **{"max_retries": 0, **kwargs}
    )


def gpt(server: StubLLMServer, **kwargs: Any) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(api_key="k", base_url=server.base_url, **{"max_retries": 0, **kwargs})


async def ask_claude(
    client: anthropic.AsyncAnthropic,
    *,
    system: str = "You write test data.",
    stable: str = "Shopping carts for checkout testing.",
    batch: str = "Write the records.",
    tools: list[ToolParam] | None = None,
    max_tokens: int = 4096,
) -> Message:
    """A call shaped like the client's: system and the stable part of the prompt are cache
    breakpoints, the batch's own part comes last."""
    user: list[TextBlockParam] = [
        {"type": "text", "text": stable, "cache_control": EPHEMERAL},
        {"type": "text", "text": batch},
    ]
    return await client.messages.create(
        model=MODEL,
        max_tokens=max_tokens,
        system=[{"type": "text", "text": system, "cache_control": EPHEMERAL}],
        messages=[{"role": "user", "content": user}],
        tools=tools or [tool()],
        tool_choice={"type": "tool", "name": TOOL},
    )


def response_format(schema: dict[str, Any] = SCHEMA) -> ResponseFormatJSONSchema:
    return {
        "type": "json_schema",
        "json_schema": {"name": "records", "schema": schema, "strict": True},
    }


async def ask_gpt(
    client: openai.AsyncOpenAI,
    *,
    system: str = "You write test data.",
    prompt: str = "Shopping carts for checkout testing. Write the records.",
    schema: dict[str, Any] = SCHEMA,
    max_tokens: int = 4096,
) -> ChatCompletion:
    return await client.chat.completions.create(
        model="gpt-4o",
        max_tokens=max_tokens,
        messages=[{"role": "system", "content": system}, {"role": "user", "content": prompt}],
        response_format=response_format(schema),
    )


def tool_input(message: Message) -> dict[str, Any]:
    (block,) = message.content
    assert block.type == "tool_use"
    return dict(block.input)


def gpt_answer(completion: ChatCompletion) -> dict[str, Any]:
    answer: dict[str, Any] = json.loads(completion.choices[0].message.content or "")
    return answer


def validate(answer: dict[str, Any], schema: dict[str, Any] = SCHEMA) -> None:
    jsonschema.validate(answer, schema, format_checker=jsonschema.FormatChecker())


async def until(condition: Callable[[], object], timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


# --- answers ----------------------------------------------------------------------------


async def test_the_per_scenario_shape_is_answered_with_exact_counts_and_steered_values() -> None:
    async with StubLLMServer("anthropic") as server, claude(server) as client:
        answer = tool_input(await ask_claude(client))
    validate(answer)
    arrays = answer["records"]
    assert {name: len(records) for name, records in arrays.items()} == COUNTS
    assert [len(cart["items"]) for cart in arrays["single_item"]] == [1]
    assert all(len(cart["items"]) == 2 for cart in arrays["happy_path"])
    assert {i["price"] for cart in arrays["high_value"] for i in cart["items"]} == {249.99}
    assert all("_scenario" not in cart for records in arrays.values() for cart in records)
    emails = [cart["email"] for records in arrays.values() for cart in records]
    assert len(set(emails)) == 10


async def test_a_mislabelling_model_misfiles_about_its_rate_keeping_content_and_totals() -> None:
    async with (
        StubLLMServer("anthropic", default=mislabelling_reply(0.3, seed=7)) as server,
        claude(server) as client,
    ):
        answers = [tool_input(await ask_claude(client))["records"] for _ in range(20)]
        faithful = synthesize_reply(server.requests[0]).by_scenario
    assert faithful is not None
    true_scenario = {json.dumps(r): name for name, records in faithful.items() for r in records}
    moved = 0
    for arrays in answers:
        assert list(arrays) == list(COUNTS) and sum(map(len, arrays.values())) == 10
        for name, records in arrays.items():
            moved += sum(true_scenario[json.dumps(r)] != name for r in records)
            # a misfiled record keeps its true scenario's content
            assert all(len(r["items"]) == 1 for r in records if r in faithful["single_item"])
    assert 0.2 <= moved / 200 <= 0.4
    assert any({n: len(r) for n, r in arrays.items()} != COUNTS for arrays in answers)

    async with (
        StubLLMServer("anthropic", default=mislabelling_reply(0.3, seed=7)) as again,
        claude(again) as client,
    ):
        assert tool_input(await ask_claude(client))["records"] == answers[0]


async def test_a_mislabelling_model_with_one_scenario_has_nowhere_to_misfile() -> None:
    schema = records_schema({"happy_path": 5})
    async with (
        StubLLMServer("anthropic", default=mislabelling_reply(1.0)) as server,
        claude(server) as client,
    ):
        answer = tool_input(await ask_claude(client, tools=[tool(schema)]))
    validate(answer, schema)


async def test_a_gullible_model_writes_what_injected_text_asks_for() -> None:
    async with StubLLMServer("openai", default=gullible_reply) as server, gpt(server) as client:
        arrays = gpt_answer(await ask_gpt(client))["records"]
    extra = INJECTED_RECORDS
    assert {n: len(r) for n, r in arrays.items()} == {
        **{name: count + extra for name, count in COUNTS.items()},
        "injected": extra,
    }
    for name, records in arrays.items():
        for record in records:
            assert {k: record[k] for k in INJECTED_VALUES} == INJECTED_VALUES
            clean = {k: v for k, v in record.items() if k not in INJECTED_VALUES}
            item_schema = SCHEMA["properties"]["records"]["properties"].get(name, {})
            validate(clean, item_schema.get("items", cart_schema((1, 10))))


# --- truncation at max_tokens -----------------------------------------------------------


async def test_openai_cut_at_max_tokens_is_invalid_json_with_finish_reason_length() -> None:
    async with StubLLMServer("openai") as server, gpt(server) as client:
        whole = (await ask_gpt(client)).choices[0].message.content or ""
        cut = await ask_gpt(client, max_tokens=40)
    content = cut.choices[0].message.content or ""
    assert cut.choices[0].finish_reason == "length"
    assert content.split() == whole.split()[:40] and whole.startswith(content)
    with pytest.raises(json.JSONDecodeError):
        json.loads(content)
    assert cut.usage is not None and cut.usage.completion_tokens == 40


@pytest.mark.parametrize(
    ("more_words", "expected"),
    [
        (0, {"happy_path": 7}),  # cut right after happy_path's last record
        (1, {"happy_path": 7}),  # `"high_value":` written, its array not opened
        (2, {"happy_path": 7, "high_value": 0}),  # array opened, no record complete
    ],
)
async def test_anthropic_cut_at_max_tokens_keeps_the_complete_records(
    more_words: int, expected: dict[str, int]
) -> None:
    async with StubLLMServer("anthropic") as server, claude(server) as client:
        whole = tool_input(await ask_claude(client))
        happy = {"records": {"happy_path": whole["records"]["happy_path"]}}
        limit = count_words(json.dumps(happy)) + more_words
        cut = await ask_claude(client, max_tokens=limit)
    assert cut.stop_reason == "max_tokens" and cut.usage.output_tokens == limit
    kept = tool_input(cut)["records"]
    assert {name: len(records) for name, records in kept.items()} == expected
    assert kept["happy_path"] == whole["records"]["happy_path"]


async def test_anthropic_cut_inside_the_second_array_keeps_its_complete_records() -> None:
    async with StubLLMServer("anthropic") as server, claude(server) as client:
        whole = tool_input(await ask_claude(client))["records"]
        first_dear = {"records": {"happy_path": whole["happy_path"], "high_value": [{}]}}
        written = json.dumps(first_dear).replace("{}", json.dumps(whole["high_value"][0]))
        limit = count_words(written) + 3
        cut = await ask_claude(client, max_tokens=limit)
    assert tool_input(cut)["records"] == {
        "happy_path": whole["happy_path"],
        "high_value": whole["high_value"][:1],
    }


async def test_a_scripted_cut_stops_at_max_tokens_whatever_the_request_allows() -> None:
    def cut(body: dict[str, Any]) -> ScriptedReply:
        return dataclasses.replace(synthesize_reply(body), cut_at_tokens=3)

    async with StubLLMServer("anthropic", [cut]) as server, claude(server) as client:
        message = await ask_claude(client, max_tokens=4096)
    assert message.stop_reason == "max_tokens" and message.usage.output_tokens == 3
    # `{"records": {"happy_path": [{"email":`: the first array opened, no record complete
    assert tool_input(message)["records"] == {"happy_path": []}


# --- prompt caching ---------------------------------------------------------------------


async def test_anthropic_caches_a_prefix_over_the_minimum_and_reads_it_next_time() -> None:
    system, stable, batch = words(1100, "s"), words(200, "st"), words(30, "b")
    async with StubLLMServer("anthropic") as server, claude(server) as client:
        first = await ask_claude(client, system=system, stable=stable, batch=batch)
        second = await ask_claude(client, system=system, stable=stable, batch=batch)
    written = first.usage.cache_creation_input_tokens or 0
    assert written > 1300 and first.usage.cache_read_input_tokens == 0
    assert first.usage.input_tokens == count_words(batch)  # the uncached tail only
    assert second.usage.cache_read_input_tokens == written
    assert second.usage.cache_creation_input_tokens == 0
    assert second.usage.input_tokens == count_words(batch)
    assert server.reported_cached_tokens == written
    assert server.reported_cache_write_tokens == written
    assert server.reported_input_tokens == 2 * (written + count_words(batch))


async def test_anthropic_does_not_cache_a_prefix_under_the_minimum() -> None:
    async with StubLLMServer("anthropic") as server, claude(server) as client:
        first = await ask_claude(client, system=words(300))
        second = await ask_claude(client, system=words(300))
    for message in (first, second):
        assert message.usage.cache_creation_input_tokens == 0
        assert message.usage.cache_read_input_tokens == 0
    assert second.usage.input_tokens == first.usage.input_tokens > 300
    assert server.reported_cached_tokens == server.reported_cache_write_tokens == 0


async def test_anthropic_minimum_is_per_model() -> None:
    async with (
        StubLLMServer("anthropic", min_cacheable_tokens=2048) as server,
        claude(server) as client,
    ):
        await ask_claude(client, system=words(1500))
        second = await ask_claude(client, system=words(1500))
    assert second.usage.cache_read_input_tokens == 0


async def test_anthropic_reads_the_system_prefix_when_only_the_stable_part_changes() -> None:
    system = words(1100, "s")
    async with StubLLMServer("anthropic") as server, claude(server) as client:
        first = await ask_claude(client, system=system, stable=words(200, "a"))
        second = await ask_claude(client, system=system, stable=words(150, "b"))
    through_system = (first.usage.cache_creation_input_tokens or 0) - 200
    assert second.usage.cache_read_input_tokens == through_system
    assert second.usage.cache_creation_input_tokens == 150


async def test_anthropic_a_changed_tool_invalidates_every_prefix() -> None:
    system = words(1100, "s")
    async with StubLLMServer("anthropic") as server, claude(server) as client:
        await ask_claude(client, system=system)
        changed = await ask_claude(client, system=system, tools=[tool(description="Other.")])
    assert changed.usage.cache_read_input_tokens == 0
    assert (changed.usage.cache_creation_input_tokens or 0) > 1100


async def test_anthropic_a_breakpoint_on_the_tool_caches_the_tools() -> None:
    big = tool(records_schema({f"scenario_{i}": 1 for i in range(16)}))
    marked: ToolParam = {**big, "cache_control": EPHEMERAL}
    async with StubLLMServer("anthropic") as server, claude(server) as client:
        first = await ask_claude(client, tools=[marked], stable=words(50))
        second = await ask_claude(client, tools=[marked], stable=words(60))
    through_system = count_words(json.dumps(big)) + count_words("You write test data.")
    assert through_system > 1024
    assert first.usage.cache_creation_input_tokens == through_system + 50
    assert second.usage.cache_read_input_tokens == through_system
    assert second.usage.cache_creation_input_tokens == 60


async def test_anthropic_cache_lives_five_minutes_after_its_last_use() -> None:
    now = [0.0]
    system = words(1100, "s")
    async with (
        StubLLMServer("anthropic", cache_clock=lambda: now[0]) as server,
        claude(server) as client,
    ):
        written = (await ask_claude(client, system=system)).usage.cache_creation_input_tokens
        now[0] = 299.0
        refreshed = await ask_claude(client, system=system)
        now[0] = 598.0
        still = await ask_claude(client, system=system)
        now[0] = 899.0
        expired = await ask_claude(client, system=system)
    assert refreshed.usage.cache_read_input_tokens == written
    assert still.usage.cache_read_input_tokens == written
    assert expired.usage.cache_read_input_tokens == 0
    assert expired.usage.cache_creation_input_tokens == written


async def test_anthropic_rejects_more_than_four_breakpoints() -> None:
    blocks: list[TextBlockParam] = [
        {"type": "text", "text": f"part {i}", "cache_control": EPHEMERAL} for i in range(5)
    ]
    async with StubLLMServer("anthropic") as server, claude(server) as client:
        with pytest.raises(anthropic.BadRequestError, match="maximum of 4 blocks"):
            await client.messages.create(
                model=MODEL,
                max_tokens=100,
                messages=[{"role": "user", "content": blocks}],
                tools=[tool()],
            )


def openai_cached(prefix: int) -> int:
    """OpenAI's documented rounding: nothing under 1,024, then steps of 128."""
    return 0 if prefix < 1024 else 1024 + (prefix - 1024) // 128 * 128


async def test_openai_caches_prefixes_over_1024_tokens_in_steps_of_128() -> None:
    system = words(1100, "s")
    first_prompt, second_prompt = words(100, "a"), words(90, "b")
    async with StubLLMServer("openai") as server, gpt(server) as client:
        first = await ask_gpt(client, system=system, prompt=first_prompt)
        second = await ask_gpt(client, system=system, prompt=second_prompt)
        third = await ask_gpt(client, system=system, prompt=second_prompt)
    assert first.usage and second.usage and third.usage
    shared = first.usage.prompt_tokens - count_words(first_prompt)  # schema and system
    assert first.usage.prompt_tokens_details
    assert first.usage.prompt_tokens_details.cached_tokens == 0
    assert second.usage.prompt_tokens_details
    assert second.usage.prompt_tokens_details.cached_tokens == openai_cached(shared)
    assert third.usage.prompt_tokens_details
    assert third.usage.prompt_tokens_details.cached_tokens == openai_cached(
        third.usage.prompt_tokens
    )
    assert third.usage.prompt_tokens == second.usage.prompt_tokens  # cached ones included
    assert server.reported_cached_tokens == openai_cached(shared) + openai_cached(
        third.usage.prompt_tokens
    )


async def test_openai_does_not_cache_prompts_under_1024_tokens() -> None:
    async with StubLLMServer("openai") as server, gpt(server) as client:
        await ask_gpt(client, system=words(300))
        again = await ask_gpt(client, system=words(300))
    assert again.usage and again.usage.prompt_tokens_details
    assert again.usage.prompt_tokens_details.cached_tokens == 0


async def test_a_vllm_like_server_caches_the_messages_only_at_any_length() -> None:
    system, prompt = words(100, "s"), words(20, "p")
    async with (
        StubLLMServer("openai", cache_schema_in_prefix=False) as server,
        gpt(server) as client,
    ):
        await ask_gpt(client, system=system, prompt=prompt)
        again = await ask_gpt(client, system=system, prompt=prompt)
    assert again.usage and again.usage.prompt_tokens_details
    assert again.usage.prompt_tokens_details.cached_tokens == 120 // 16 * 16
    assert again.usage.prompt_tokens > 120  # the schema still counts as prompt


def test_the_published_prices_keep_their_documented_ratios() -> None:
    claude_prices = CLAUDE_SONNET_4_PRICES
    assert claude_prices.cache_write == pytest.approx(1.25 * claude_prices.input)
    assert claude_prices.cache_read == pytest.approx(0.1 * claude_prices.input)
    assert pytest.approx(0.5) == OPENAI_CACHED_INPUT_DISCOUNT
    assert GPT_4O_PRICES.cache_write == GPT_4O_PRICES.input


# --- failures ---------------------------------------------------------------------------


def stalled(body: dict[str, Any]) -> ScriptedReply:
    return dataclasses.replace(synthesize_reply(body), stall_after_bytes=20)


WAITS = [
    pytest.param(ScriptedReply(hang=True), id="hang"),
    pytest.param(stalled, id="stalled-body"),
]


@pytest.mark.parametrize("failure", WAITS)
async def test_anthropic_times_out_and_the_server_sees_the_hang_up(failure: Script) -> None:
    async with StubLLMServer("anthropic", [failure]) as server:
        async with claude(server, timeout=0.3) as client:
            with pytest.raises(anthropic.APITimeoutError):
                await ask_claude(client)
        await until(lambda: server.hang_ups)
    assert server.hang_ups[0] - server.arrivals[0] >= 0.3
    assert server.reported_tokens == 0


@pytest.mark.parametrize("failure", WAITS)
async def test_openai_times_out_and_the_server_sees_the_hang_up(failure: Script) -> None:
    async with StubLLMServer("openai", [failure]) as server:
        async with gpt(server, timeout=0.3) as client:
            with pytest.raises(openai.APITimeoutError):
                await ask_gpt(client)
        await until(lambda: server.hang_ups)
    assert len(server.hang_ups) == 1 and server.reported_tokens == 0


async def test_a_stalled_body_sends_status_headers_and_its_first_bytes() -> None:
    body = {"model": "gpt-4o", "messages": [], "response_format": response_format()}
    async with (
        StubLLMServer("openai", [stalled]) as server,
        httpx.AsyncClient(timeout=0.3) as http,
        http.stream("POST", f"{server.base_url}/chat/completions", json=body) as response,
    ):
        assert response.status_code == 200
        assert int(response.headers["content-length"]) > 1000
        chunks = response.aiter_raw()
        assert await anext(chunks) == json.dumps({"id": "chatcmpl-stub"}).encode()[:20]
        with pytest.raises(httpx.ReadTimeout):
            await anext(chunks)


async def test_anthropic_529_overloaded_carries_retry_after_and_the_sdk_waits_it() -> None:
    overloaded = ScriptedReply(status=529, retry_after_s=1)
    async with StubLLMServer("anthropic", [overloaded, overloaded]) as server:
        async with claude(server) as client:
            with pytest.raises(anthropic.APIStatusError) as raised:
                await ask_claude(client)
        assert raised.value.status_code == 529
        assert raised.value.response.headers["retry-after"] == "1"
        assert raised.value.response.json()["error"]["type"] == "overloaded_error"
        async with claude(server, max_retries=1) as client:
            started = time.monotonic()
            answer = tool_input(await ask_claude(client))
        assert time.monotonic() - started >= 1.0 and len(server.requests) == 3
    validate(answer)


@pytest.mark.parametrize("status", [500, 503])
async def test_openai_server_errors_carry_retry_after_ms_and_the_sdk_waits_it(
    status: int,
) -> None:
    failing = ScriptedReply(status=status, retry_after_s=0.3)
    async with StubLLMServer("openai", [failing]) as server, gpt(server, max_retries=1) as client:
        started = time.monotonic()
        validate(gpt_answer(await ask_gpt(client)))
        assert time.monotonic() - started >= 0.3 and len(server.requests) == 2
    async with StubLLMServer("openai", [failing]) as server, gpt(server) as client:
        with pytest.raises(openai.InternalServerError) as raised:
            await ask_gpt(client)
    assert raised.value.response.headers["retry-after-ms"] == "300"
    assert raised.value.response.json()["error"]["type"] == "server_error"
