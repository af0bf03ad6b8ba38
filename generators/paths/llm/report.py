"""What happened while generating one request on the LLM path: the result object the worker
turns into the reply's metadata (path actually used, fallbacks and why, tokens)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generators.core.errors import FallbackReason
from generators.paths.llm.backend import LLMReply


@dataclass(frozen=True, slots=True)
class FallbackStep:
    """A backend the chain gave up on, and why; `first_index` is the `_index` of the first
    record of the batch that gave up."""

    backend: str
    reason: FallbackReason
    detail: str
    first_index: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "backend": self.backend,
            "reason": self.reason.value,
            "detail": self.detail,
            "first_index": self.first_index,
        }


@dataclass(slots=True)
class LLMReport:
    """Counts of one request's LLM run; the run logs `summary()` when it ends, and its outcome
    carries the tokens and fallbacks into the reply's metadata."""

    backends: tuple[str, ...]
    template: str = ""
    steps: list[FallbackStep] = field(default_factory=list)
    backends_used: list[str] = field(default_factory=list)
    input_tokens: int = 0
    output_tokens: int = 0
    calls: int = 0
    retries: int = 0
    llm_records: int = 0
    traditional_records: int = 0

    @property
    def tokens_used(self) -> int:
        """Input plus output tokens over every call, as the APIs reported them."""
        return self.input_tokens + self.output_tokens

    def add_usage(self, reply: LLMReply) -> None:
        self.calls += 1
        self.input_tokens += reply.input_tokens
        self.output_tokens += reply.output_tokens

    def used(self, backend: str, records: int) -> None:
        self.llm_records += records
        if backend not in self.backends_used:
            self.backends_used.append(backend)

    def summary(self) -> str:
        """One line for the worker's log: who wrote how much, at what cost."""
        wrote = ", ".join(self.backends_used) or "no model"
        return (
            f"{self.llm_records} records written by {wrote} with template {self.template} "
            f"({self.calls} calls, {self.retries} retries, {self.tokens_used} tokens); "
            f"{self.traditional_records} records kept their traditional values; "
            f"{len(self.steps)} fallbacks"
        )
