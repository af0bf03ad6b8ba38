"""The Zipkin that `services/zipkin.sh` runs takes a span in Zipkin's v2 JSON and gives it back.

Uses the Zipkin on 127.0.0.1:$ZIPKIN_PORT (9411); starts it when nothing answers there and
stops it afterwards only if it was started here.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterator

import httpx
import pytest

from testing.stack import service_started

pytestmark = pytest.mark.integration

PORT = int(os.environ.get("ZIPKIN_PORT", "9411"))


@pytest.fixture(scope="module")
def zipkin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Zipkin's base URL; stopped afterwards only if this fixture started it."""
    with service_started("zipkin", {"ZIPKIN_PORT": str(PORT)}, tmp_path_factory.mktemp("zk")):
        yield f"http://127.0.0.1:{PORT}"


def test_a_posted_span_can_be_read_back_by_its_trace_id(zipkin: str) -> None:
    trace_id, span_id = secrets.token_hex(16), secrets.token_hex(8)
    now_us = int(time.time() * 1_000_000)
    span = {
        "traceId": trace_id,
        "id": span_id,
        "name": "generate cart",
        "kind": "SERVER",
        "timestamp": now_us,
        "duration": 12_345,
        "localEndpoint": {"serviceName": "test-data-agent-bridge", "ipv4": "127.0.0.1"},
        "tags": {"testdata.entity": "cart", "testdata.count": "5"},
    }

    with httpx.Client(base_url=zipkin, timeout=10) as client:
        posted = client.post("/api/v2/spans", json=[span])
        assert posted.status_code == 202, posted.text

        # the collector stores asynchronously: poll briefly
        deadline = time.monotonic() + 10
        while True:
            got = client.get(f"/api/v2/trace/{trace_id}")
            if got.status_code == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        services = client.get("/api/v2/services").json()
        ui = client.get("/zipkin/")

    assert got.status_code == 200, got.text
    [back] = got.json()
    assert (back["traceId"], back["id"], back["name"]) == (trace_id, span_id, "generate cart")
    assert back["kind"] == "SERVER" and back["duration"] == 12_345
    assert back["tags"] == span["tags"]
    assert back["localEndpoint"]["serviceName"] == "test-data-agent-bridge"
    assert "test-data-agent-bridge" in services
    assert ui.status_code == 200 and "<html" in ui.text.lower()
