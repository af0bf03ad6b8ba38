"""Which lengths a regular expression's matches can have, and values of one exact length.

`regex_values` builds values freely (unbounded repeats capped at a few extra rounds); when a
field's min_length/max_length cut into those lengths, values are built here instead: the set of
lengths each node of the parse tree can produce is kept as a bitset (bit n set: a match of n
characters exists), a target length is drawn from the allowed ones, and the tree is walked
splitting that length over its parts so that every part can produce its share. Nothing is
generated and then tested, so the time is bounded by the pattern and the length alone.

Backreferences and conditional groups tie one part's length to another's; patterns that use
them are built freely only, and refused when the length bounds would need a targeted length.
"""

from __future__ import annotations

import re
from random import Random
from re import _constants as sre  # type: ignore[attr-defined]
from typing import Any

#: No value is ever longer than this (and lengths beyond it are not tracked).
MAX_VALUE_LENGTH = 10_000
#: Repetition rounds with several valid counts: the count is drawn among the smallest this many.
_COUNT_CHOICES = 9

#: Below this many candidate lengths, each is tested on its own.
_FEW = 16

_Groups = dict[int, str]


class LengthNode:
    """A parse-tree node: its achievable lengths (bitset, capped), shortest and longest match."""

    __slots__ = ("dependent", "lengths", "longest", "shortest")

    def __init__(self, lengths: int, shortest: int, longest: int, dependent: bool) -> None:
        self.lengths = lengths
        self.shortest = shortest
        self.longest = longest
        self.dependent = dependent

    def exact(self, rng: Random, groups: _Groups, length: int) -> str:
        raise NotImplementedError


def _mask(limit: int) -> int:
    return (1 << (limit + 1)) - 1


def _bits(value: int) -> list[int]:
    out = []
    while value:
        low = value & -value
        out.append(low.bit_length() - 1)
        value ^= low
    return out


def _span(value: int) -> tuple[int, int] | None:
    """(lowest, highest) when the set bits of `value` are one unbroken run, else None."""
    if not value:
        return None
    low = (value & -value).bit_length() - 1
    high = value.bit_length() - 1
    return (low, high) if (value >> low).bit_count() == high - low + 1 else None


def _sumset(a: int, b: int, limit: int) -> int:
    """{x + y : x in a, y in b}, up to `limit`."""
    span_a, span_b = _span(a), _span(b)
    if span_a is not None and span_b is not None:
        return _interval(span_a[0] + span_b[0], span_a[1] + span_b[1], limit)
    if a.bit_count() > b.bit_count():
        a, b = b, a
    out = 0
    for shift in _bits(a):
        out |= b << shift
    return out & _mask(limit)


def _reflect(value: int, length: int) -> int:
    """{length - x : x in value} for the members up to `length`."""
    return int(format(value & _mask(length), f"0{length + 1}b")[::-1], 2)


def pick_bit(rng: Random, value: int) -> int:
    """A member of the non-empty bitset `value` (uniform when the members are a run)."""
    low = (value & -value).bit_length() - 1
    high = value.bit_length() - 1
    start = low + int(rng.random() * (high - low + 1))
    shifted = value >> start  # not empty: `high` is a member
    return start + (shifted & -shifted).bit_length() - 1


def _split(rng: Random, first: int, rest: int, length: int) -> int:
    """A length l in `first` with `length - l` in `rest` (one exists, by construction)."""
    span_first, span_rest = _span(first), _span(rest)
    if span_first is not None and span_rest is not None:
        low = max(span_first[0], length - span_rest[1])
        high = min(span_first[1], length - span_rest[0])
        return low + int(rng.random() * (high - low + 1))
    first &= _mask(length)
    if first.bit_count() <= _FEW:  # test each candidate rather than reflect `rest`
        options = [n for n in _bits(first) if rest >> (length - n) & 1]
        return options[int(rng.random() * len(options))]
    return pick_bit(rng, first & _reflect(rest, length))


def _interval(low: int, high: int, limit: int) -> int:
    if low > limit or high < low:
        return 0
    high = min(high, limit)
    return ((1 << (high - low + 1)) - 1) << low


class _Chars(LengthNode):
    __slots__ = ("chars",)

    def __init__(self, chars: tuple[str, ...]) -> None:
        super().__init__(0b10, 1, 1, False)
        self.chars = chars

    def exact(self, rng: Random, groups: _Groups, length: int) -> str:
        return self.chars[int(rng.random() * len(self.chars))]


class _Text(LengthNode):
    __slots__ = ("text",)

    def __init__(self, text: str, limit: int) -> None:
        size = len(text)
        super().__init__(1 << size if size <= limit else 0, size, size, False)
        self.text = text

    def exact(self, rng: Random, groups: _Groups, length: int) -> str:
        return self.text


class _Seq(LengthNode):
    __slots__ = ("items", "suffixes")

    def __init__(self, items: list[LengthNode], limit: int) -> None:
        suffixes = [1]
        for item in reversed(items):
            suffixes.append(_sumset(item.lengths, suffixes[-1], limit))
        suffixes.reverse()  # suffixes[i]: lengths of items[i:]
        super().__init__(
            suffixes[0],
            sum(i.shortest for i in items),
            sum(i.longest for i in items),
            any(i.dependent for i in items),
        )
        self.items = items
        self.suffixes = suffixes

    def exact(self, rng: Random, groups: _Groups, length: int) -> str:
        out = []
        for i, item in enumerate(self.items):
            share = _split(rng, item.lengths, self.suffixes[i + 1], length)
            out.append(item.exact(rng, groups, share))
            length -= share
        return "".join(out)


class _Alt(LengthNode):
    __slots__ = ("alternatives",)

    def __init__(self, alternatives: list[LengthNode]) -> None:
        lengths = 0
        for alternative in alternatives:
            lengths |= alternative.lengths
        super().__init__(
            lengths,
            min(a.shortest for a in alternatives),
            max(a.longest for a in alternatives),
            any(a.dependent for a in alternatives),
        )
        self.alternatives = alternatives

    def exact(self, rng: Random, groups: _Groups, length: int) -> str:
        fitting = [a for a in self.alternatives if a.lengths >> length & 1]
        return fitting[int(rng.random() * len(fitting))].exact(rng, groups, length)


class _Repeat(LengthNode):
    __slots__ = ("high", "inner", "limit", "low", "powers", "span")

    def __init__(self, low: int, high: int, inner: LengthNode, limit: int) -> None:
        self.inner, self.low, self.limit = inner, low, limit
        longest = high * inner.longest
        # More rounds than this only give lengths beyond the limit (or, for an inner node that
        # may be empty, lengths fewer rounds already give).
        high = min(high, max(low, limit // inner.shortest) if inner.shortest else low + limit)
        self.high = high
        # An interval of inner lengths [m, M] repeats to the interval [k*m, k*M]: no tables.
        self.span = _span(inner.lengths)
        self.powers: list[int] = []
        if self.span is not None and self.span[0] == 0:  # nested intervals [0, k*M]
            lengths = _interval(0, high * self.span[1], limit)
        else:
            lengths = 0
            for k in range(low, high + 1):
                lengths |= self._power(k)
        super().__init__(lengths, low * inner.shortest, longest, inner.dependent)

    def _power(self, rounds: int) -> int:
        """The lengths `rounds` repetitions of the inner node can have."""
        if self.span is not None:
            low, high = self.span
            return _interval(rounds * low, rounds * high, self.limit)
        if not self.inner.lengths:
            return 1 if rounds == 0 else 0
        powers = self.powers or [1]
        while len(powers) <= rounds:
            powers.append(_sumset(powers[-1], self.inner.lengths, self.limit))
        self.powers = powers
        return powers[rounds]

    def exact(self, rng: Random, groups: _Groups, length: int) -> str:
        if self.span is not None:
            return self._exact_span(rng, groups, length, *self.span)
        counts = []
        for k in range(self.low, self.high + 1):
            if self._power(k) >> length & 1:
                counts.append(k)
                if len(counts) == _COUNT_CHOICES:
                    break
        rounds = counts[int(rng.random() * len(counts))]
        out = []
        for done in range(rounds):
            share = _split(rng, self.inner.lengths, self._power(rounds - done - 1), length)
            out.append(self.inner.exact(rng, groups, share))
            length -= share
        return "".join(out)

    def _exact_span(self, rng: Random, groups: _Groups, length: int, low: int, high: int) -> str:
        """`exact` for inner lengths [low, high]: k rounds make [k*low, k*high], no tables."""
        counts = []
        for k in range(max(self.low, -(-length // high) if high else 0), self.high + 1):
            if k * low > length:
                break
            if k * high >= length:
                counts.append(k)
                if len(counts) == _COUNT_CHOICES:
                    break
        rounds = counts[int(rng.random() * len(counts))]
        inner = self.inner
        out = []
        for done in range(rounds):
            left = rounds - done - 1
            first = max(low, length - left * high)
            share = first + int(rng.random() * (min(high, length - left * low) - first + 1))
            out.append(inner.exact(rng, groups, share))
            length -= share
        return "".join(out)


class _Group(LengthNode):
    __slots__ = ("index", "inner")

    def __init__(self, index: int | None, inner: LengthNode) -> None:
        super().__init__(inner.lengths, inner.shortest, inner.longest, inner.dependent)
        self.index, self.inner = index, inner

    def exact(self, rng: Random, groups: _Groups, length: int) -> str:
        text = self.inner.exact(rng, groups, length)
        if self.index is not None:
            groups[self.index] = text
        return text


class _Dependent(LengthNode):
    """A backreference or conditional group: lengths known, but tied to another group's."""

    def exact(self, rng: Random, groups: _Groups, length: int) -> str:
        msg = "backreferences cannot be built to a chosen length"
        raise RuntimeError(msg)


class LengthAnalysis:
    """Builds the length tree of a parsed pattern. `chars_of(op, av, ignorecase)` gives the
    characters a single-character node emits (shared with the free builder)."""

    def __init__(self, chars_of: Any, *, limit: int, unbounded_extra: int) -> None:
        self._chars_of = chars_of
        self._limit = limit
        self._extra = unbounded_extra
        self._groups: dict[int, LengthNode] = {}

    def sequence(self, items: list[tuple[Any, Any]], ignorecase: bool) -> LengthNode:
        nodes = [self._node(op, av, ignorecase) for op, av in items]
        return nodes[0] if len(nodes) == 1 else _Seq(nodes, self._limit)

    def _node(self, op: Any, av: Any, ignorecase: bool) -> LengthNode:
        if op is sre.LITERAL:
            return _Text(chr(av), self._limit)
        if op in (sre.NOT_LITERAL, sre.ANY, sre.IN):
            return _Chars(self._chars_of(op, av, ignorecase))
        if op is sre.BRANCH:
            return _Alt([self.sequence(list(alt), ignorecase) for alt in av[1]])
        if op is sre.SUBPATTERN:
            group, add_flags, del_flags, inner = av
            local_case = (ignorecase or bool(add_flags & re.IGNORECASE)) and not (
                del_flags & re.IGNORECASE
            )
            node = _Group(group, self.sequence(list(inner), local_case))
            if group is not None:
                self._groups[group] = node
            return node
        if op is sre.MAX_REPEAT or op is sre.MIN_REPEAT:
            low, high, inner = av
            if high == sre.MAXREPEAT:
                high = low + self._extra
            return _Repeat(low, high, self.sequence(list(inner), ignorecase), self._limit)
        if op is sre.GROUPREF:
            group = self._groups[av]
            return _Dependent(group.lengths, group.shortest, group.longest, True)
        if op is sre.GROUPREF_EXISTS:
            _group, yes, no = av
            options = [self.sequence(list(yes), ignorecase)]
            options.append(self.sequence(list(no), ignorecase) if no is not None else _Seq([], 0))
            either = _Alt(options)
            return _Dependent(either.lengths, either.shortest, either.longest, True)
        return _Seq([], 0)  # anchors and boundaries: no characters
