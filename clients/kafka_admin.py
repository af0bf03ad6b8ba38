"""Kafka administration at the edge: creating topics idempotently, reading a topic's message
size limit and looking at consumer groups. Starting, creating topics and reading configs raise
the error tree's exceptions (`clients.kafka_errors`)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from types import TracebackType
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import KafkaConnectionError, KafkaError, for_code

from clients.kafka_errors import kafka_error
from clients.kafka_security import PLAINTEXT, KafkaSecurity, refusal, refusal_message
from config.settings import KafkaSettings
from contracts.topics import TopicSpec
from generators.core.errors import KafkaRefused

log = logging.getLogger(__name__)

_TOPIC_ALREADY_EXISTS = 36
_MAX_MESSAGE_BYTES = "max.message.bytes"


class KafkaAdmin:
    """A started admin client; use as `async with KafkaAdmin(bootstrap, security) as admin:`.

    A broker that refuses the client's credentials or TLS handshake makes the `async with`
    raise `KafkaRefused` saying so (aiokafka alone says only "Unable to bootstrap"); one
    that cannot be reached, `KafkaUnavailable` naming the bootstrap address.
    """

    def __init__(
        self,
        bootstrap_servers: str,
        security: KafkaSecurity = PLAINTEXT,
        *,
        request_timeout_ms: int = 10_000,
    ) -> None:
        self._bootstrap_servers = bootstrap_servers
        self._security = security
        self._client = AIOKafkaAdminClient(
            bootstrap_servers=bootstrap_servers,
            request_timeout_ms=request_timeout_ms,
            **security.client_options(),
        )

    @classmethod
    def from_settings(cls, kafka: KafkaSettings, *, request_timeout_ms: int = 10_000) -> KafkaAdmin:
        """An admin client of the settings' brokers, connecting as the settings say."""
        return cls(
            kafka.kafka_bootstrap_servers,
            KafkaSecurity.from_settings(kafka),
            request_timeout_ms=request_timeout_ms,
        )

    async def __aenter__(self) -> KafkaAdmin:
        try:
            await self._client.start()
        except KafkaConnectionError as exc:
            await self._client.close()
            refused = await refusal(self._bootstrap_servers, self._security)
            if refused is None:
                raise kafka_error(exc, bootstrap_servers=self._bootstrap_servers) from exc
            raise KafkaRefused(
                refusal_message(self._bootstrap_servers, self._security, refused)
            ) from refused
        except KafkaError as exc:
            await self._client.close()
            raise kafka_error(exc, bootstrap_servers=self._bootstrap_servers) from exc
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._client.close()

    async def ensure_topics(self, specs: Iterable[TopicSpec]) -> list[str]:
        """Create the topics that do not exist yet; returns the names it created."""
        wanted = {spec.name: spec for spec in specs}
        try:
            existing = set(await self.list_topics())
            missing = [name for name in wanted if name not in existing]
            if not missing:
                return []
            response = await self._client.create_topics(
                [
                    NewTopic(
                        name,
                        num_partitions=wanted[name].partitions,
                        replication_factor=1,
                        topic_configs=wanted[name].config,
                    )
                    for name in missing
                ]
            )
        except KafkaError as exc:
            raise kafka_error(exc, bootstrap_servers=self._bootstrap_servers) from exc
        created = []
        for topic, code, *message in response.topic_errors:
            if code == 0:
                created.append(topic)
            elif code != _TOPIC_ALREADY_EXISTS:
                refused = for_code(code)(f"creating the topic: {message[0] if message else ''}")
                raise kafka_error(refused, bootstrap_servers=self._bootstrap_servers, topic=topic)
        if created:
            log.info("created topics %s", ", ".join(sorted(created)))
        return created

    async def max_message_bytes(self, topics: list[str]) -> dict[str, int]:
        """The largest message each of `topics` takes, as the broker applies it (the topic's
        `max.message.bytes`, or the broker's default when the topic sets none)."""
        try:
            responses: list[Any] = await self._client.describe_configs(
                [
                    ConfigResource(ConfigResourceType.TOPIC, topic, {_MAX_MESSAGE_BYTES: None})
                    for topic in topics
                ]
            )
        except KafkaError as exc:
            raise kafka_error(exc, bootstrap_servers=self._bootstrap_servers) from exc
        limits = {}
        for response in responses:
            for error_code, error_message, _type, topic, entries, *_ in response.resources:
                if error_code:
                    error = for_code(error_code)(error_message or "describing its configuration")
                    raise kafka_error(error, bootstrap_servers=self._bootstrap_servers, topic=topic)
                for name, value, *_entry in entries:
                    if name == _MAX_MESSAGE_BYTES:
                        limits[topic] = int(value)
        return limits

    async def list_topics(self) -> list[str]:
        topics: list[str] = await self._client.list_topics()
        return topics

    async def topic_problem(self, topic: str) -> str | None:
        """Why `topic` cannot be used now (None when the broker lists it): a health probe."""
        return None if topic in await self.list_topics() else f"topic {topic!r} does not exist"

    async def delete_topics(self, names: list[str]) -> None:
        await self._client.delete_topics(names)

    async def group_members(self, group_id: str) -> int:
        """How many consumers are members of `group_id` right now (0 when the group is empty)."""
        responses: list[Any] = await self._client.describe_consumer_groups([group_id])
        members = 0
        for response in responses:
            for group in response.groups:
                error_code, _group, state, *_rest = group
                if error_code == 0 and state in {
                    "Stable",
                    "CompletingRebalance",
                    "PreparingRebalance",
                }:
                    members += len(group[5])
        return members
