"""Component health: each probe answers None when healthy or a short reason when not.

A required component down makes the process `unhealthy` (not ready: no request can be
answered); an optional one down makes it `degraded` (requests are still answered, on another
path or without the cache). Results are cached briefly so a storm of health checks, gRPC or
HTTP, does not become a storm of calls to Kafka.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

Probe = Callable[[], Awaitable[str | None]]


@dataclass(frozen=True, slots=True)
class Component:
    name: str
    probe: Probe
    required: bool


@dataclass(frozen=True, slots=True)
class HealthReport:
    status: str
    components: Mapping[str, str]

    @property
    def ready(self) -> bool:
        """Every required component is up: a request would be answered."""
        return self.status != "unhealthy"


def summarise(results: Mapping[str, tuple[bool, str | None]]) -> HealthReport:
    """`results` maps component name to (required, problem or None)."""
    components = {
        name: "ok" if problem is None else f"down: {problem}"
        for name, (_, problem) in results.items()
    }
    if any(required and problem for required, problem in results.values()):
        status = "unhealthy"
    elif any(problem for _, problem in results.values()):
        status = "degraded"
    else:
        status = "healthy"
    return HealthReport(status, components)


class HealthChecker:
    def __init__(self, components: list[Component], *, cache_s: float, timeout_s: float = 2.0):
        self._components = components
        self._cache_s = cache_s
        self._timeout_s = timeout_s
        self._last: tuple[float, HealthReport] | None = None
        self._lock = asyncio.Lock()

    async def report(self) -> HealthReport:
        async with self._lock:
            now = time.monotonic()
            if self._last is not None and now - self._last[0] < self._cache_s:
                return self._last[1]
            problems = await asyncio.gather(*(self._run(c) for c in self._components))
            report = summarise(
                {c.name: (c.required, p) for c, p in zip(self._components, problems, strict=True)}
            )
            self._last = (time.monotonic(), report)
            return report

    async def _run(self, component: Component) -> str | None:
        try:
            return await asyncio.wait_for(component.probe(), self._timeout_s)
        except TimeoutError:
            return f"no answer within {self._timeout_s:.0f}s"
        except Exception as exc:
            return f"{type(exc).__name__}: {exc}"
