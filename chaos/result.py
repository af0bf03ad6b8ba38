"""What a scenario reports: held or broken, the figures it measured, and what broke."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

Figure = int | float | str


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    name: str
    held: bool
    figures: dict[str, Figure] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, name: str, figures: dict[str, Figure], problems: list[str]) -> ScenarioResult:
        """Held exactly when nothing broke."""
        return cls(name, not problems, figures, problems)


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    run: Callable[[], Awaitable[ScenarioResult]]
    #: Takes under 20 s, so `make test` runs it too (tests/chaos/)
    fast: bool
    #: Kills or stops a broker: runs against the suite's own (services/kafka-faults.sh)
    needs_fault_broker: bool = False
