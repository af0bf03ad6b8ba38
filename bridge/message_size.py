"""An event must fit in one Kafka message: the broker refuses a record larger than
`max_message_bytes`. The bridge checks the encoded event before it leases or sends anything,
and blames the field that makes it big. Pure."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from generators.core.errors import InvalidRequest, Problem


def field_size(value: Any) -> int:
    """Roughly how many bytes `value` takes in an event (UTF-8 text, JSON for the rest)."""
    if isinstance(value, str):
        return len(value.encode("utf-8", errors="surrogatepass"))
    if isinstance(value, bytes):
        return len(value)
    return len(json.dumps(value, default=str, ensure_ascii=False).encode("utf-8", "surrogatepass"))


def check_message_size(event: Mapping[str, Any], encoded: bytes, limit: int) -> None:
    """Raise `InvalidRequest` naming the largest field of `event` when `encoded` (the event as
    it goes to Kafka) is larger than `limit` bytes."""
    if len(encoded) <= limit:
        return
    sizes = {name: field_size(value) for name, value in event.items() if value is not None}
    largest = max(sizes, key=lambda name: sizes[name]) if sizes else "request"
    message = (
        f"is {sizes.get(largest, 0)} bytes and makes the request {len(encoded)} bytes, more than "
        f"the limit of {limit} bytes for one Kafka message (max_message_bytes)"
    )
    raise InvalidRequest([Problem(largest, message)])
