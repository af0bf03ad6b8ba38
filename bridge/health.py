"""Component health: each probe answers None when healthy or a short reason when not.

Kafka and a live worker are required (without them no request can be answered): either down
makes the service `unhealthy`. Redis (the data-pool cache) and Weaviate (the RAG and hybrid
paths) are optional: requests are still answered without them, on another path or without the
cache, so either down means `degraded`. Results are cached briefly so a health-check storm
does not become a Kafka storm.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

import httpx
import redis.asyncio as aioredis

from clients.kafka_admin import KafkaAdmin

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


def kafka_probe(admin: KafkaAdmin, request_topic: str) -> Probe:
    async def probe() -> str | None:
        topics = await admin.list_topics()
        return None if request_topic in topics else f"topic {request_topic!r} does not exist"

    return probe


def worker_probe(admin: KafkaAdmin, group_id: str) -> Probe:
    async def probe() -> str | None:
        members = await admin.group_members(group_id)
        return None if members else f"no worker in consumer group {group_id!r}"

    return probe


def redis_probe(client: aioredis.Redis) -> Probe:
    async def probe() -> str | None:
        await client.ping()
        return None

    return probe


def weaviate_probe(client: httpx.AsyncClient, url: str) -> Probe:
    """Weaviate's own readiness endpoint (plain HTTP: the bridge needs no Weaviate client)."""
    ready = f"{url.rstrip('/')}/v1/.well-known/ready"

    async def probe() -> str | None:
        response = await client.get(ready)
        return None if response.status_code == 200 else f"{ready} answered {response.status_code}"

    return probe
