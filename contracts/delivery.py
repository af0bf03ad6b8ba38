"""What travels beside the events in Kafka headers: the caller's deadline on a request, and a
worker's progress on a reply topic.

Both are about delivery, not content, so neither is in an Avro contract: an agent that sets no
deadline and ignores progress reads and writes exactly what it did before.

- `tda-deadline-ms` on a `GenerateRequested`: the wall-clock time (Unix milliseconds, ASCII
  digits) after which nobody waits for the answer. The bridge sets it from the gRPC call's
  deadline; a worker that reaches it stops generating and ends the answer with a
  DEADLINE_EXCEEDED chunk.
- `tda-progress` on a reply topic: a record keyed by the request id whose value is null (a
  Confluent deserializer gives None, which readers skip) and whose header holds the records
  answered so far. It takes no chunk index, so chunk numbering, and what a redelivered request
  publishes, stay the same; it tells a waiting caller that a worker is alive and working.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

DEADLINE_HEADER = "tda-deadline-ms"
PROGRESS_HEADER = "tda-progress"

Headers = Sequence[tuple[str, bytes]]


def deadline_header(deadline_epoch_s: float) -> tuple[str, bytes]:
    return DEADLINE_HEADER, str(int(deadline_epoch_s * 1000)).encode()


def deadline_from(headers: Iterable[tuple[str, bytes]] | None) -> float | None:
    """The caller's deadline (Unix seconds) a request's headers carry; None when there is none
    or it is not a number (a malformed header never fails a request)."""
    for name, value in headers or ():
        if name == DEADLINE_HEADER:
            try:
                return int(value) / 1000.0
            except ValueError:
                return None
    return None


def progress_headers(records_so_far: int) -> list[tuple[str, bytes]]:
    return [(PROGRESS_HEADER, str(records_so_far).encode())]


def is_progress(headers: Iterable[tuple[str, bytes]] | None) -> bool:
    return any(name == PROGRESS_HEADER for name, _ in headers or ())
