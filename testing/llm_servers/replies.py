"""What the stub servers answer: scripted replies, and model-like answers built from the
request's JSON schema.

A request's schema has one array per scenario (`{"records": {"happy_path": [...], ...}}`,
exact counts per array); an answer fills them.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from testing.llm_servers.tokens import content_text
from testing.llm_servers.values import instance

RECORDS = "records"
#: What a model that obeys prompt injection writes into every record, and how many records
#: it adds to every array
INJECTED_VALUES: Mapping[str, Any] = {
    "id": "HACKED",
    "_index": 999,
    "_scenario": "HACKED",
    "total": 999999.99,
    "subtotal": 999999.99,
}
INJECTED_RECORDS = 3


@dataclass(frozen=True, slots=True)
class ScriptedReply:
    """One answer: structured records, or raw `text`, or an error `status`; after `delay_s`.

    Structured records are `by_scenario` (scenario -> records); a model that answers in another
    shape is scripted as `text`. Failures: `refusal` (the model declines); `status` != 200 with
    `retry_after_s`, sent as the `retry-after` headers the API sends; `hang` (no answer until
    the client hangs up); `stall_after_bytes` (status, headers with the full Content-Length and
    that many bytes of the body, then nothing until the client hangs up); `cut_at_tokens` (the
    answer cut there as if `max_tokens` ran out; a request's own `max_tokens` cuts too).
    """

    status: int = 200
    by_scenario: dict[str, list[Any]] | None = None
    text: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    refusal: str | None = None
    retry_after_s: float | None = None
    hang: bool = False
    stall_after_bytes: int | None = None
    cut_at_tokens: int | None = None

    def answer(self) -> dict[str, Any]:
        """The structured answer: Anthropic's tool input, the object of OpenAI's JSON text."""
        return {RECORDS: self.by_scenario}


Reply = Callable[[dict[str, Any]], ScriptedReply]
Script = ScriptedReply | Reply


def request_schema(body: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON schema a request asks for (tool input schema or response_format)."""
    tools = body.get("tools") or []
    if tools:
        return dict(tools[0]["input_schema"])
    return dict(body.get("response_format", {}).get("json_schema", {}).get("schema", {}))


def request_prompt(body: Mapping[str, Any]) -> str:
    """The last message's text (content blocks joined by blank lines)."""
    messages = body.get("messages", [])
    return content_text(messages[-1].get("content", "")) if messages else ""


def synthesize_reply(body: dict[str, Any]) -> ScriptedReply:
    """Records valid under the request's schema: per scenario array, exactly `minItems`."""
    return ScriptedReply(by_scenario=_arrays(_records_schema(body)))


def mislabelling_reply(rate: float, seed: int = 0) -> Reply:
    """A faithful but imperfect model: it writes each record for its scenario, then files each
    one, with probability `rate`, in another scenario's array (so one array has too many, one
    too few; the total stays). Deterministic from `seed` and the count of calls so far. With
    one scenario there is nowhere else to file."""
    calls = itertools.count()

    def reply(body: dict[str, Any]) -> ScriptedReply:
        faithful = synthesize_reply(body)
        rng = random.Random(f"{seed}/{next(calls)}")
        assert faithful.by_scenario is not None
        return replace(faithful, by_scenario=_misfiled(faithful.by_scenario, rate, rng))

    return reply


def gullible_reply(body: dict[str, Any]) -> ScriptedReply:
    """A model that obeys instructions injected into caller text: every record gets
    `INJECTED_VALUES` (ids, indexes, scenario, sums our code owns), every array
    `INJECTED_RECORDS` records more, and an array `"injected"` appears; otherwise the records
    are schema-valid."""
    records_schema = _records_schema(body)
    faithful = synthesize_reply(body)
    assert faithful.by_scenario is not None
    arrays = records_schema.get("properties", {})
    obeyed = {
        name: _obeying(records, arrays[name], name)
        for name, records in faithful.by_scenario.items()
    }
    obeyed["injected"] = _obeying([], next(iter(arrays.values()), {}), "injected")
    return ScriptedReply(by_scenario=obeyed)


def _records_schema(body: Mapping[str, Any]) -> dict[str, Any]:
    return dict(request_schema(body).get("properties", {}).get(RECORDS, {}))


def _arrays(records_schema: Mapping[str, Any]) -> dict[str, list[Any]]:
    arrays: dict[str, list[Any]] = {}
    first = 0
    for scenario, array_schema in records_schema.get("properties", {}).items():
        count = int(array_schema.get("minItems", min(1, int(array_schema.get("maxItems", 1)))))
        item_schema = array_schema.get("items", {})
        arrays[scenario] = [instance(item_schema, "", first + i, scenario) for i in range(count)]
        first += count
    return arrays


def _misfiled(
    arrays: Mapping[str, list[Any]], rate: float, rng: random.Random
) -> dict[str, list[Any]]:
    filed: dict[str, list[Any]] = {name: [] for name in arrays}
    for scenario, records in arrays.items():
        others = [name for name in arrays if name != scenario]
        for record in records:
            wrong = bool(others) and rng.random() < rate
            filed[rng.choice(others) if wrong else scenario].append(record)
    return filed


def _obeying(records: list[Any], array_schema: Mapping[str, Any], scenario: str) -> list[Any]:
    item_schema = array_schema.get("items", {})
    extra = [instance(item_schema, "", 900 + i, scenario) for i in range(INJECTED_RECORDS)]
    return [{**record, **INJECTED_VALUES} for record in [*records, *extra]]
