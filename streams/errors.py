"""The exceptions `streams` raises, under one base so callers can catch them together."""


class StreamsError(Exception):
    """Base of everything `streams` raises on purpose."""


class UndecodableEvent(StreamsError):
    """Bytes on a topic that are not a Confluent-framed Avro record of the expected contract."""


class InvalidEvent(StreamsError):
    """A decoded event whose content breaks the contract; `field` names the culprit."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem
