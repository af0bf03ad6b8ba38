"""Defect and feedback messages (the proto's `ReportDefectRequest` and `SubmitFeedbackRequest`)
as the Avro events the worker's indexer reads (`DefectReported`, `FeedbackSubmitted`).

The messages mirror the events field for field; only the shapes differ: a timestamp left unset
is when the bridge received the message, and an empty id is replaced by the one given.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from contracts._proto import test_data_pb2 as pb


def _when(message: Any, field: str, received_at: datetime) -> datetime:
    if message.HasField(field):
        stamp: datetime = getattr(message, field).ToDatetime(tzinfo=UTC)
        return stamp
    return received_at


def defect_event(
    message: pb.ReportDefectRequest, *, defect_id: str, received_at: datetime
) -> dict[str, Any]:
    """The `DefectReported` event for `message` (`defect_id` when it has none)."""
    return {
        "defect_id": message.defect_id or defect_id,
        "domain": message.domain,
        "entity": message.entity,
        "trigger_data": message.trigger_data,
        "defect_description": message.defect_description,
        "severity": message.severity or "medium",
        "discovered_at": _when(message, "discovered_at", received_at),
    }


def feedback_event(
    message: pb.SubmitFeedbackRequest, *, feedback_id: str, received_at: datetime
) -> dict[str, Any]:
    """The `FeedbackSubmitted` event for `message` (`feedback_id` when it has none). A message
    without a `quality_score` has a NaN one, which the event's checks refuse by name."""
    return {
        "feedback_id": message.feedback_id or feedback_id,
        "request_id": message.request_id,
        "domain": message.domain,
        "entity": message.entity,
        "scenario": message.scenario,
        "data": message.data,
        "quality_score": (
            message.quality_score if message.HasField("quality_score") else float("nan")
        ),
        "comment": message.comment,
        "submitted_at": _when(message, "submitted_at", received_at),
    }
