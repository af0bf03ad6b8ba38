"""The scenarios of `make chaos` that take under 20 s each, run by `make test` too: each breaks
real processes and must hold invariant I. A scenario's own checks tell the behaviours apart
(an error before the caller's deadline rather than after it); its figures are printed."""

from __future__ import annotations

import pytest

from chaos.result import Scenario
from chaos.scenarios import SCENARIOS

pytestmark = pytest.mark.chaos

FAST = [scenario for scenario in SCENARIOS if scenario.fast]


def test_the_fast_subset_is_not_empty_and_needs_no_broker_of_its_own() -> None:
    assert FAST
    assert not any(scenario.needs_fault_broker for scenario in FAST)


@pytest.mark.parametrize("scenario", FAST, ids=[scenario.name for scenario in FAST])
async def test_scenario_holds(scenario: Scenario) -> None:
    result = await scenario.run()
    print(f"{result.name}: {result.figures}")

    assert result.held, "\n".join(result.problems)
