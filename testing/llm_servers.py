"""Local HTTP servers that speak the Anthropic Messages API and OpenAI Chat Completions API,
for tests and the bench: the real SDKs point at them by base URL.

Each server answers from a script (`ScriptedReply`s, or functions of the request body that
return one), then from `synthesize_reply`, which builds a schema-valid answer from the request's
JSON schema. Token usage is counted as whitespace-separated words: input = system prompt,
messages and the JSON schema sent; output = the JSON or text returned. Sums of what the server
reported are kept, so tests can compare them with what the client recorded.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from aiohttp import web

Protocol = Literal["anthropic", "openai"]
_SCENARIO_LINE = re.compile(r"- records (\d+)\.\.(\d+): _scenario = (\"(?:[^\"\\]|\\.)*\")")


@dataclass(frozen=True, slots=True)
class ScriptedReply:
    """One answer: structured `records`, or raw `text`, or an error `status`; after `delay_s`."""

    status: int = 200
    records: list[Any] | None = None
    text: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    refusal: str | None = None


Script = ScriptedReply | Callable[[dict[str, Any]], ScriptedReply]


def count_words(text: str) -> int:
    return len(text.split())


class StubLLMServer:
    def __init__(
        self,
        protocol: Protocol,
        script: Iterable[Script] = (),
        *,
        default: Callable[[dict[str, Any]], ScriptedReply] | None = None,
    ) -> None:
        self.protocol = protocol
        self._script: deque[Script] = deque(script)
        self._default = default or synthesize_reply
        self.requests: list[dict[str, Any]] = []
        #: `time.monotonic()` when each call arrived, and when a client hung up on a call it
        #: was still waiting for (a cancelled model call)
        self.arrivals: list[float] = []
        self.hang_ups: list[float] = []
        self.reported_input_tokens = 0
        self.reported_output_tokens = 0
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._closing = asyncio.Event()

    @property
    def reported_tokens(self) -> int:
        return self.reported_input_tokens + self.reported_output_tokens

    @property
    def base_url(self) -> str:
        root = f"http://127.0.0.1:{self._port}"
        return root if self.protocol == "anthropic" else f"{root}/v1"

    def add(self, *replies: Script) -> None:
        self._script.extend(replies)

    async def start(self) -> str:
        app = web.Application()
        path = "/v1/messages" if self.protocol == "anthropic" else "/v1/chat/completions"
        app.router.add_post(path, self._handle)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = int(self._runner.addresses[0][1])
        return self.base_url

    async def close(self) -> None:
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> StubLLMServer:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def _handle(self, request: web.Request) -> web.Response:
        body: dict[str, Any] = await request.json()
        self.requests.append(body)
        self.arrivals.append(time.monotonic())
        entry = self._script.popleft() if self._script else self._default
        reply = entry(body) if callable(entry) else entry
        if reply.delay_s and not await self._delayed(request, reply.delay_s):
            return web.Response(status=499)
        if reply.status != 200:
            return web.json_response(
                _error_body(self.protocol, reply.status), status=reply.status, headers=reply.headers
            )
        input_tokens = count_words(_request_text(body))
        output = reply.text if reply.text is not None else json.dumps({"records": reply.records})
        output_tokens = count_words(output if reply.refusal is None else reply.refusal)
        self.reported_input_tokens += input_tokens
        self.reported_output_tokens += output_tokens
        payload = (
            _anthropic_message(body, reply, input_tokens, output_tokens)
            if self.protocol == "anthropic"
            else _openai_completion(body, reply, output, input_tokens, output_tokens)
        )
        return web.json_response(payload, headers=reply.headers)

    async def _delayed(self, request: web.Request, delay_s: float) -> bool:
        """Wait `delay_s` (less when the server closes); False when the client hung up first."""
        until = time.monotonic() + delay_s
        while time.monotonic() < until and not self._closing.is_set():
            transport = request.transport
            if transport is None or transport.is_closing():
                self.hang_ups.append(time.monotonic())
                return False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), min(0.05, until - time.monotonic()))
        return True


def _request_text(body: Mapping[str, Any]) -> str:
    parts = [body.get("system") if isinstance(body.get("system"), str) else ""]
    parts += [str(m.get("content", "")) for m in body.get("messages", [])]
    parts.append(json.dumps(body.get("tools") or body.get("response_format") or {}))
    return "\n".join(p for p in parts if p)


def request_schema(body: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON schema a request asks for (tool input schema or response_format)."""
    tools = body.get("tools") or []
    if tools:
        return dict(tools[0]["input_schema"])
    return dict(body.get("response_format", {}).get("json_schema", {}).get("schema", {}))


def request_prompt(body: Mapping[str, Any]) -> str:
    messages = body.get("messages", [])
    return str(messages[-1].get("content", "")) if messages else ""


def _anthropic_message(
    body: Mapping[str, Any], reply: ScriptedReply, input_tokens: int, output_tokens: int
) -> dict[str, Any]:
    if reply.refusal is not None:
        content: list[dict[str, Any]] = [{"type": "text", "text": reply.refusal}]
        stop = "refusal"
    elif reply.text is not None:
        content, stop = [{"type": "text", "text": reply.text}], "end_turn"
    else:
        name = (body.get("tools") or [{"name": "emit_records"}])[0]["name"]
        content = [
            {"type": "tool_use", "id": "toolu_stub", "name": name,
             "input": {"records": reply.records}}
        ]  # fmt: skip
        stop = "tool_use"
    return {
        "id": "msg_stub",
        "type": "message",
        "role": "assistant",
        "model": body.get("model", "stub"),
        "content": content,
        "stop_reason": stop,
        "stop_sequence": None,
        "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens},
    }


def _openai_completion(
    body: Mapping[str, Any], reply: ScriptedReply, output: str, input_tokens: int, out_tokens: int
) -> dict[str, Any]:
    message = {
        "role": "assistant",
        "content": None if reply.refusal is not None else output,
        "refusal": reply.refusal,
    }
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": 0,
        "model": body.get("model", "stub"),
        "choices": [{"index": 0, "message": message, "finish_reason": "stop", "logprobs": None}],
        "usage": {
            "prompt_tokens": input_tokens,
            "completion_tokens": out_tokens,
            "total_tokens": input_tokens + out_tokens,
        },
    }


def _error_body(protocol: Protocol, status: int) -> dict[str, Any]:
    kind = {429: "rate_limit_error", 529: "overloaded_error"}.get(status, "api_error")
    if protocol == "anthropic":
        return {"type": "error", "error": {"type": kind, "message": f"stub error {status}"}}
    return {"error": {"message": f"stub error {status}", "type": kind, "code": None}}


# --- schema-valid answers -------------------------------------------------------------------


def synthesize_reply(body: dict[str, Any]) -> ScriptedReply:
    """Records valid under the request's schema, one per scenario slot the prompt lists.

    Scenario names steer cart-like items: `single` gives one item, `empty` none, `high_value`
    dear ones. Good enough for a scripted server; it writes no prose worth reading.
    """
    schema = request_schema(body)
    records_schema = schema.get("properties", {}).get("records", {})
    count = int(records_schema.get("minItems", 1))
    scenarios = _scenario_plan(request_prompt(body), count)
    item_schema = records_schema.get("items", {})
    records = [_instance(item_schema, "", i, scenarios[i]) for i in range(count)]
    return ScriptedReply(records=records)


def _scenario_plan(prompt: str, count: int) -> list[str]:
    plan = [""] * count
    for start, end, name in _SCENARIO_LINE.findall(prompt):
        for i in range(int(start), min(int(end) + 1, count)):
            plan[i] = json.loads(name)
    return plan


def _instance(schema: Mapping[str, Any], key: str, position: int, scenario: str) -> Any:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if "enum" in schema:
        if key == "_scenario" and scenario in schema["enum"]:
            return scenario
        return next(v for v in schema["enum"] if v is not None)
    if kind == "object":
        return {
            name: _instance(sub, name, position, scenario)
            for name, sub in schema.get("properties", {}).items()
        }
    if kind == "array":
        size = 2
        if "single" in scenario:
            size = 1
        elif "empty" in scenario:
            size = 0
        size = max(int(schema.get("minItems", 0)), min(size, int(schema.get("maxItems", size))))
        item = schema.get("items", {"type": "string"})
        return [_instance(item, key, position * 10 + i, scenario) for i in range(size)]
    if kind in ("integer", "number"):
        value: float = 3 if "high_value" in scenario else 1
        if kind == "number":
            value = 249.99 if "high_value" in scenario else 19.99
        value = max(value, schema.get("minimum", value))
        value = min(value, schema.get("maximum", value))
        return int(value) if kind == "integer" else value
    if kind == "boolean":
        return True
    return _string(schema, key, position)


def _string(schema: Mapping[str, Any], key: str, position: int) -> str:
    fmt = schema.get("format")
    if fmt == "date-time":
        return "2025-06-01T12:00:00+00:00"
    if fmt == "date":
        return "2025-06-01"
    if fmt == "email":
        return f"shopper{position}@example.com"
    if fmt == "uuid":
        return f"00000000-0000-4000-8000-{position:012d}"
    text = f"{key.strip('_') or 'value'} {position}"
    if "minLength" in schema:
        text = text.ljust(int(schema["minLength"]), "x")
    if "maxLength" in schema:
        text = text[: int(schema["maxLength"])]
    return text
