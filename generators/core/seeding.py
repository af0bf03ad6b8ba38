"""Seeds derived from a request id with sha256, so they are the same in every process.

(`hash()` is salted per process, and Faker's or `random`'s global state is shared with anyone
else in the process; neither would let a redelivered request reproduce the same records.)
"""

from __future__ import annotations

import hashlib


def stable_seed(request_id: str, purpose: str = "") -> int:
    """A 256-bit integer seed for `request_id`; `purpose` gives independent seeds per use."""
    digest = hashlib.sha256(f"{purpose}\x00{request_id}".encode()).digest()
    return int.from_bytes(digest, "big")
