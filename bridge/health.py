"""What the bridge's health is made of (`observability.health` runs and caches the probes).

Kafka and a live worker are required (without them no request can be answered): either down
makes the service `unhealthy`, and not ready. Redis (the data-pool cache) and Weaviate (the RAG
and hybrid paths) are optional: either down means `degraded`.
"""

from __future__ import annotations

import httpx
import redis.asyncio as aioredis

from clients.kafka_admin import KafkaAdmin
from observability.health import Probe


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
