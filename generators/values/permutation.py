"""Unique-looking numbers without memory: a keyed bijection on range(10**digits).

Ids such as `USR-{random:7}` must be unique within a request, yet remembering every id issued
would make memory grow with `count`. Instead record i gets `DigitPermutation(7, key)(i)`: a
four-round Feistel network over the two halves of the decimal digits (10**3 x 10**4 here),
adding round values modulo each half's size. Every round can be undone, so the whole is a
bijection: distinct indexes below 10**digits always give distinct numbers, and neighbouring
indexes land far apart, so ids do not look sequential.

Speed: a round's value depends only on its input half, so for halves of up to
`_MEMO_LIMIT` values each round's values are remembered as they are first computed (a few
hundred kB at most, freed with the permutation); large requests then pay a lookup per round.
"""

from __future__ import annotations

from random import Random

_MIXER = 0x45D9F3B
_MEMO_LIMIT = 10**5
_UNKNOWN = -1


class DigitPermutation:
    def __init__(self, digits: int, key: int) -> None:
        if digits < 0:
            msg = "digits must not be negative"
            raise ValueError(msg)
        self.size: int = 10**digits
        self._high: int = 10 ** (digits // 2)
        self._low: int = 10 ** (digits - digits // 2)
        key_stream = Random(key)
        self._round_keys: tuple[int, int, int, int] = (
            key_stream.getrandbits(32),
            key_stream.getrandbits(32),
            key_stream.getrandbits(32),
            key_stream.getrandbits(32),
        )

        # Round values, reduced modulo the size they are added into; _UNKNOWN until computed.
        self._memo: tuple[list[int], list[int], list[int], list[int]] | None = None
        if self._low <= _MEMO_LIMIT:
            low, high = self._low, self._high  # the sizes of each round's input half
            self._memo = ([_UNKNOWN] * low, [_UNKNOWN] * high, [_UNKNOWN] * low, [_UNKNOWN] * high)

    def _round(self, number: int, round_index: int) -> int:
        """Round `round_index`'s value for the half `number` (reduced as the round adds it)."""
        mixed = ((number ^ self._round_keys[round_index]) * _MIXER) & 0xFFFFFFFF
        return (mixed ^ (mixed >> 13)) % (self._high if round_index % 2 == 0 else self._low)

    def many(self, start: int, count: int) -> list[int]:
        """`[self(i) for i in range(start, start + count)]`, for less: one call, the rounds
        inline, and round values looked up once remembered."""
        memo = self._memo
        if memo is None:
            return [self(i) for i in range(start, start + count)]
        m0, m1, m2, m3 = memo
        high, low, size = self._high, self._low, self.size
        images = []
        for index in range(start, start + count):
            left, right = divmod(index % size, low)
            value = m0[right]
            if value == _UNKNOWN:
                value = m0[right] = self._round(right, 0)
            left, right = right, (left + value) % high
            value = m1[right]
            if value == _UNKNOWN:
                value = m1[right] = self._round(right, 1)
            left, right = right, (left + value) % low
            value = m2[right]
            if value == _UNKNOWN:
                value = m2[right] = self._round(right, 2)
            left, right = right, (left + value) % high
            value = m3[right]
            if value == _UNKNOWN:
                value = m3[right] = self._round(right, 3)
            left, right = right, (left + value) % low
            images.append(left * low + right)
        return images

    def __call__(self, index: int) -> int:
        """The image of `index`; distinct for distinct indexes below `size` (wraps beyond)."""
        if self._memo is not None:
            return self.many(index, 1)[0]
        # The four rounds, unrolled: the right half alternates between the low and the high
        # half's size, and the halves swap after every round.
        high, low = self._high, self._low
        left, right = divmod(index % self.size, low)
        k0, k1, k2, k3 = self._round_keys
        mixed = ((right ^ k0) * _MIXER) & 0xFFFFFFFF
        left, right = right, (left + (mixed ^ (mixed >> 13))) % high
        mixed = ((right ^ k1) * _MIXER) & 0xFFFFFFFF
        left, right = right, (left + (mixed ^ (mixed >> 13))) % low
        mixed = ((right ^ k2) * _MIXER) & 0xFFFFFFFF
        left, right = right, (left + (mixed ^ (mixed >> 13))) % high
        mixed = ((right ^ k3) * _MIXER) & 0xFFFFFFFF
        left, right = right, (left + (mixed ^ (mixed >> 13))) % low
        return left * low + right
