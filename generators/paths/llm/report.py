"""What happened while generating one request on the LLM path: the result object the worker
turns into the reply's metadata (path actually used, fallbacks and why, tokens by kind, and
per batch how its records were obtained)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from generators.core.errors import FallbackReason
from generators.core.protocol import TokenUsage
from generators.core.record import Record
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


@dataclass(frozen=True, slots=True)
class BatchReport:
    """One batch: its first `_index`, its size, the backends that wrote it, the model calls it
    took, and how its records were obtained: `kept` from the first answer as written,
    `repaired` by re-labelling a record the model put under the wrong scenario, `reasked`
    asked for again (answered or not), `traditional` left with the skeleton's values."""

    first_index: int
    records: int
    backends: tuple[str, ...]
    calls: int
    kept: int
    repaired: int
    reasked: int
    traditional: int

    @classmethod
    def unwritten(cls, records: Sequence[Record]) -> BatchReport:
        """A batch no model was asked for."""
        return cls(int(records[0]["_index"]), len(records), (), 0, 0, 0, 0, len(records))

    def as_dict(self) -> dict[str, Any]:
        return {
            "first_index": self.first_index,
            "records": self.records,
            "backends": list(self.backends),
            "calls": self.calls,
            "kept": self.kept,
            "repaired": self.repaired,
            "reasked": self.reasked,
            "traditional": self.traditional,
        }


def usage_of(reply: LLMReply) -> TokenUsage:
    return TokenUsage(
        reply.input_tokens, reply.cached_input_tokens, reply.cache_write_tokens, reply.output_tokens
    )


@dataclass(slots=True)
class LLMReport:
    """Counts of one request's LLM run; the run logs `summary()` when it ends, and its outcome
    carries the tokens, batches and fallbacks into the reply's metadata."""

    backends: tuple[str, ...]
    template: str = ""
    steps: list[FallbackStep] = field(default_factory=list)
    backends_used: list[str] = field(default_factory=list)
    tokens: TokenUsage = field(default_factory=TokenUsage)
    calls: int = 0
    retries: int = 0
    batches: list[BatchReport] = field(default_factory=list)

    @property
    def tokens_used(self) -> int:
        """Input plus output tokens over every call, as the APIs reported them."""
        return self.tokens.total

    @property
    def llm_records(self) -> int:
        return sum(b.records - b.traditional for b in self.batches)

    @property
    def traditional_records(self) -> int:
        return sum(b.traditional for b in self.batches)

    def add_usage(self, reply: LLMReply) -> None:
        self.calls += 1
        self.tokens += usage_of(reply)

    def used(self, backend: str) -> None:
        if backend not in self.backends_used:
            self.backends_used.append(backend)

    def summary(self) -> str:
        """One line for the worker's log: who wrote how much, at what cost."""
        wrote = ", ".join(self.backends_used) or "no model"
        kept = sum(b.kept for b in self.batches)
        repaired = sum(b.repaired for b in self.batches)
        reasked = sum(b.reasked for b in self.batches)
        return (
            f"{self.llm_records} records written by {wrote} with template {self.template} "
            f"({kept} kept, {repaired} re-labelled, {reasked} re-asked; {self.calls} calls, "
            f"{self.retries} retries, {self.tokens.input} input tokens of which "
            f"{self.tokens.cached} cached, {self.tokens.output} output); "
            f"{self.traditional_records} records kept their traditional values; "
            f"{len(self.steps)} fallbacks"
        )
