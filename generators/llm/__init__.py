"""The LLM generation path, pure: prompts, structured-output schemas, parsing, validation,
repair of deterministic fields, batching and the fallback chain. Models are reached only
through the injected `LLMBackend` interface (implemented in `clients/`)."""

from generators.llm.backend import LLMBackend, LLMReply
from generators.llm.division import judgement_fields
from generators.llm.errors import (
    FallbackReason,
    LLMCallError,
    LLMError,
    LLMOutputError,
    LLMRefusalError,
    LLMTimeoutError,
    LLMUnavailableError,
)
from generators.llm.generator import LLMGenerator, LLMOptions, LLMRun
from generators.llm.json_schema import records_json_schema
from generators.llm.parsing import parse_records, reply_records
from generators.llm.prompt_builder import (
    TOOL_NAME,
    BatchSlice,
    PromptLimits,
    as_data,
    build_prompt,
    choose_template,
    stricter_prompt,
)
from generators.llm.record_checks import record_problems
from generators.llm.repair import merge_batch, recompute_derived
from generators.llm.report import FallbackStep, LLMReport
from generators.llm.token_budget import TokenComparison, compare_token_usage

__all__ = [
    "TOOL_NAME",
    "BatchSlice",
    "FallbackReason",
    "FallbackStep",
    "LLMBackend",
    "LLMCallError",
    "LLMError",
    "LLMGenerator",
    "LLMOptions",
    "LLMOutputError",
    "LLMRefusalError",
    "LLMReply",
    "LLMReport",
    "LLMRun",
    "LLMTimeoutError",
    "LLMUnavailableError",
    "PromptLimits",
    "TokenComparison",
    "as_data",
    "build_prompt",
    "choose_template",
    "compare_token_usage",
    "judgement_fields",
    "merge_batch",
    "parse_records",
    "recompute_derived",
    "record_problems",
    "records_json_schema",
    "reply_records",
    "stricter_prompt",
]
