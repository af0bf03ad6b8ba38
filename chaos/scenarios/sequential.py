"""1,000 calls one after another: every one answered, and the worker's and the bridge's memory,
descriptors and the run's topics as flat at call 1,000 as at call 100 (invariant I's leak
half: RSS within +5 MB, descriptors within ±2, the same topics)."""

from __future__ import annotations

import time

from chaos.calls import request, unary
from chaos.invariant import Answer, check_answers
from chaos.leaks import Usage, growth_problems, run_topics, usage
from chaos.processes import chaos_settings, running, seconds_since
from chaos.result import Figure, ScenarioResult

CALLS = 1_000
#: Where the steady state is taken to begin: start-up and warm-up are over by then
BASELINE_CALL = 100


async def sequential_calls() -> ScenarioResult:
    answers: list[Answer] = []
    async with running(chaos_settings()) as stack:
        stub = stack.client()
        pids = {"worker": stack.workers[0].process.pid}
        if stack.bridge is not None:
            pids["bridge"] = stack.bridge.process.pid
        at_baseline: dict[str, Usage] = {}
        topics_before: set[str] = set()
        started = time.monotonic()
        for call in range(1, CALLS + 1):
            answers.append((await unary(stub, request("seq"), timeout=30))[0])
            if call == BASELINE_CALL:
                at_baseline = {name: usage(pid) for name, pid in pids.items()}
                topics_before = await run_topics(stack.settings)
        took_s = seconds_since(started)
        at_end = {name: usage(pid) for name, pid in pids.items()}
        topics_after = await run_topics(stack.settings)
    problems = check_answers(answers, must_complete=True)
    for name in pids:
        problems.extend(growth_problems(name, at_baseline[name], at_end[name]))
    if topics_after != topics_before:
        problems.append(f"topics went from {len(topics_before)} to {len(topics_after)}")
    figures: dict[str, Figure] = {
        "answered": f"{sum(a.complete for a in answers)}/{CALLS}",
        "took_s": took_s,
        "topics": f"{len(topics_before)}->{len(topics_after)}",
    }
    for name in pids:
        before, after = at_baseline[name], at_end[name]
        figures[f"{name}_rss_mb"] = f"{before.rss_kb / 1024:.1f}->{after.rss_kb / 1024:.1f}"
        figures[f"{name}_fds"] = f"{before.fds}->{after.fds}"
    return ScenarioResult.of("sequential-1000", figures, problems)
