"""Logging for the service's processes: one format, and HTTP clients kept quiet.

httpx logs every request at INFO; the bridge's health probe and the Weaviate client would
then write a line every two seconds, drowning what the service itself says.
"""

from __future__ import annotations

import logging

_CHATTY = ("httpx", "httpcore")


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in _CHATTY:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLevelName(level)))
