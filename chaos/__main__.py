"""`python -m chaos [NAME...]` (`make chaos`): run every scenario (or the named ones) against
real processes, print each one held or broken with its figures, exit 1 if any broke.

Needs the local Kafka, Redis and Weaviate (`make chaos` starts them); the broker scenarios
start the suite's own broker (services/kafka-faults.sh) once for all of them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import time
import traceback

from chaos.result import Scenario, ScenarioResult
from chaos.scenarios import BY_NAME, SCENARIOS
from chaos.services import fault_broker
from chaos.table import print_results


async def run_one(scenario: Scenario) -> ScenarioResult:
    """The scenario's result; one that could not run (a process that never started) is broken,
    saying why, and the suite goes on."""
    try:
        return await scenario.run()
    except Exception as error:
        traceback.print_exc()
        return ScenarioResult.of(scenario.name, {}, [f"did not run: {error!r}"[:300]])


async def run_all(scenarios: list[Scenario]) -> list[tuple[ScenarioResult, float]]:
    results: list[tuple[ScenarioResult, float]] = []
    with contextlib.ExitStack() as services:
        broker_up = False
        for scenario in scenarios:
            if scenario.needs_fault_broker and not broker_up:
                services.enter_context(fault_broker())
                broker_up = True
            started = time.monotonic()
            result = await run_one(scenario)
            results.append((result, time.monotonic() - started))
            print(f"{result.name}: {'held' if result.held else 'broken'}", flush=True)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m chaos", description=__doc__)
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help=f"scenarios to run (default: all): {', '.join(BY_NAME)}",
    )
    names = parser.parse_args().names
    unknown = [name for name in names if name not in BY_NAME]
    if unknown:
        parser.error(f"no scenario {', '.join(unknown)}; there are: {', '.join(BY_NAME)}")
    scenarios = [BY_NAME[name] for name in names] if names else list(SCENARIOS)
    started = time.monotonic()
    results = asyncio.run(run_all(scenarios))
    print()
    print_results(results)
    broken = [result.name for result, _ in results if not result.held]
    print(
        f"\n{len(results) - len(broken)} held, {len(broken)} broken "
        f"in {time.monotonic() - started:.0f}s"
    )
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
