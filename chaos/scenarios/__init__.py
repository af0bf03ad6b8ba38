"""Every scenario of the suite, in the order `python -m chaos` runs them (those on the fault
broker last, so it is started once for them all). `fast` marks those `make chaos` measured
under 20 s (this machine, 2 cores): `make test` runs them too (tests/chaos/)."""

from __future__ import annotations

from chaos.result import Scenario
from chaos.scenarios.bridge_death import bridge_killed
from chaos.scenarios.broker import (
    broker_down_at_start,
    broker_killed_and_back,
    stopped_with_broker_down,
)
from chaos.scenarios.load import burst, concurrent_streams
from chaos.scenarios.redis_down import redis_killed_and_back
from chaos.scenarios.reply_topic import reply_topic_deleted
from chaos.scenarios.sequential import sequential_calls
from chaos.scenarios.slow_model import slow_model
from chaos.scenarios.weaviate_down import weaviate_killed_and_back
from chaos.scenarios.worker_death import (
    worker_killed_alone,
    worker_killed_of_two,
    worker_restarted,
)

SCENARIOS: tuple[Scenario, ...] = (
    Scenario("worker-killed-alone", worker_killed_alone, fast=False),
    Scenario("worker-killed-of-two", worker_killed_of_two, fast=False),
    Scenario("worker-restarted", worker_restarted, fast=False),
    Scenario("redis-killed-and-back", redis_killed_and_back, fast=True),
    Scenario("weaviate-killed-and-back", weaviate_killed_and_back, fast=False),
    Scenario("reply-topic-deleted", reply_topic_deleted, fast=True),
    Scenario("bridge-killed", bridge_killed, fast=True),
    Scenario("burst-500", burst, fast=True),
    Scenario("concurrent-streams", concurrent_streams, fast=True),
    Scenario("sequential-1000", sequential_calls, fast=False),
    Scenario("slow-model", slow_model, fast=False),
    Scenario("broker-killed-and-back", broker_killed_and_back, fast=False, needs_fault_broker=True),
    Scenario("broker-down-at-start", broker_down_at_start, fast=False, needs_fault_broker=True),
    Scenario(
        "stopped-with-broker-down", stopped_with_broker_down, fast=False, needs_fault_broker=True
    ),
)
BY_NAME = {scenario.name: scenario for scenario in SCENARIOS}
