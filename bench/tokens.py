"""Token cost of our approach against the naive one, for `make bench`.

Naive: one call per record asking for the whole record (every field, `_index` included) with
the same system prompt. Ours: `LLMGenerator`, batches asking only for judgement fields. Both run
against the same backend -- in the bench, a scripted local server that counts tokens -- and the
counts are the usage the API reported. The issue's target is `ratio <= 0.6`.
"""

from __future__ import annotations

from dataclasses import dataclass

from generators.core.protocol import Generator, RunContext
from generators.core.request import FieldSpec, FieldType, GenerationRequest
from generators.core.schema import EntitySchema
from generators.paths.llm.backend import LLMBackend, LLMCall
from generators.paths.llm.generator import LLMGenerator, LLMOptions
from generators.paths.llm.json_schema import output_token_budget, records_json_schema
from generators.paths.llm.prompt_builder import batch_prompt, build_prompt, choose_template
from generators.paths.llm.prompts.system import build_system_prompt

_INDEX_FIELD = FieldSpec("_index", FieldType.INTEGER)


@dataclass(frozen=True, slots=True)
class TokenComparison:
    per_record_tokens: int
    batched_tokens: int
    per_record_calls: int
    batched_calls: int

    @property
    def ratio(self) -> float:
        """Our tokens as a share of the naive approach's."""
        return self.batched_tokens / self.per_record_tokens if self.per_record_tokens else 0.0


async def compare_token_usage(
    backend: LLMBackend,
    skeletons: Generator,
    request: GenerationRequest,
    schema: EntitySchema,
    *,
    batch_size: int,
) -> TokenComparison:
    system = build_system_prompt()
    naive_tokens, naive_calls = await _per_record(backend, skeletons, request, schema, system)
    generator = LLMGenerator(
        [backend], skeletons, options=LLMOptions(max_in_flight=1), system_prompt=system
    )
    run = generator.start(request, schema, RunContext(batch_size))
    async for _ in run:
        pass
    return TokenComparison(naive_tokens, run.report.tokens_used, naive_calls, run.report.calls)


async def _per_record(
    backend: LLMBackend,
    skeletons: Generator,
    request: GenerationRequest,
    schema: EntitySchema,
    system: str,
) -> tuple[int, int]:
    kind = choose_template(request, schema)
    fields = (_INDEX_FIELD, *schema.fields)
    tokens = calls = 0
    async for batch in skeletons.start(request, schema, RunContext(batch_size=1)):
        counts = {str(batch[0]["_scenario"]): 1}
        json_schema = records_json_schema(fields, schema, counts=counts, tags=schema.tags)
        call = LLMCall(
            system,
            build_prompt(request, schema, kind, fields),
            batch_prompt(counts),
            json_schema,
            output_token_budget(json_schema),
        )
        reply = await backend.complete(call)
        tokens += reply.tokens
        calls += 1
    return tokens, calls
