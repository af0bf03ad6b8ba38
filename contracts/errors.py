"""The exceptions `streams` raises, under one base so callers can catch them together."""


class StreamsError(Exception):
    """Base of everything `streams` raises on purpose."""


class UndecodableEvent(StreamsError):
    """Bytes on a topic that are not a Confluent-framed Avro record of the expected contract."""
