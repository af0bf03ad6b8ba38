"""The Faust app, built by a factory from settings: nothing is bound at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator

import faust

from config import Settings
from streams.avro import AvroCodec
from streams.faust_publisher import FaustPublisher
from streams.paths import build_generators
from streams.processor import IncomingEvent, RequestProcessor


def create_app(settings: Settings) -> faust.App:
    app = faust.App(
        settings.worker_group,
        broker=f"kafka://{settings.kafka_bootstrap_servers}",
        key_serializer="raw",
        value_serializer="raw",
        web_enabled=False,
        datadir=str(settings.worker_data_dir),
        topic_disable_leader=True,
        topic_allow_declare=False,
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
        producer_linger=0.0,
        producer_max_request_size=settings.max_message_bytes,
        loghandlers=[],
    )
    processor = RequestProcessor(
        settings, AvroCodec(), FaustPublisher(app), build_generators(settings)
    )
    requests = app.topic(settings.request_topic, key_serializer="raw", value_serializer="raw")

    @app.agent(requests, name="generate")
    async def generate(stream: faust.StreamT[bytes]) -> AsyncIterator[None]:
        async for event in stream.events():
            message = event.message
            await processor.handle(
                IncomingEvent(
                    message.topic, message.partition, message.offset, message.key, message.value
                )
            )
            yield None

    return app
