"""The suite's output: one row a scenario (held or broken, its time and figures), and under a
broken one what broke."""

from __future__ import annotations

from chaos.result import ScenarioResult

#: What a broken row lists at most (one fault often breaks a hundred answers the same way)
SHOWN_PROBLEMS = 5


def print_results(results: list[tuple[ScenarioResult, float]]) -> None:
    width = max(len(result.name) for result, _ in results)
    for result, seconds in results:
        verdict = "held" if result.held else "broken"
        figures = "  ".join(f"{name}={value}" for name, value in result.figures.items())
        print(f"{result.name:<{width}}  {verdict:<6}  {seconds:>6.1f}s  {figures}")
        for problem in result.problems[:SHOWN_PROBLEMS]:
            print(f"{'':<{width}}    - {problem}")
        if len(result.problems) > SHOWN_PROBLEMS:
            print(f"{'':<{width}}    - ... and {len(result.problems) - SHOWN_PROBLEMS} more")
