"""Unique-looking numbers without memory: a keyed bijection on range(10**digits).

Ids such as `USR-{random:7}` must be unique within a request, yet remembering every id issued
would make memory grow with `count`. Instead record i gets `DigitPermutation(7, key)(i)`: a
four-round Feistel network over the two halves of the decimal digits (10**3 x 10**4 here),
adding round values modulo each half's size. Every round can be undone, so the whole is a
bijection: distinct indexes below 10**digits always give distinct numbers, and neighbouring
indexes land far apart, so ids do not look sequential.
"""

from __future__ import annotations

from random import Random

_ROUNDS = 4  # even, so the halves end up with the sizes they started with
_MIXER = 0x45D9F3B


class DigitPermutation:
    def __init__(self, digits: int, key: int) -> None:
        if digits < 0:
            msg = "digits must not be negative"
            raise ValueError(msg)
        self.size: int = 10**digits
        self._high: int = 10 ** (digits // 2)
        self._low: int = 10 ** (digits - digits // 2)
        key_stream = Random(key)
        self._round_keys = tuple(key_stream.getrandbits(32) for _ in range(_ROUNDS))

    def __call__(self, index: int) -> int:
        """The image of `index`; distinct for distinct indexes below `size` (wraps beyond)."""
        left, right = divmod(index % self.size, self._low)
        left_size, right_size = self._high, self._low
        for round_key in self._round_keys:
            mixed = ((right ^ round_key) * _MIXER) & 0xFFFFFFFF
            left, right = right, (left + (mixed ^ (mixed >> 13))) % left_size
            left_size, right_size = right_size, left_size
        return left * self._low + right
