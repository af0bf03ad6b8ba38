"""Strings that fully match a regular expression, built from its parse tree.

Values are constructed, never generated-and-tested: `re`'s own parser (`re._parser`, formerly
`sre_parse`) turns the pattern into a tree once, and each node becomes a small function that
emits text matching it. Unbounded repetition (`*`, `+`, `{n,}`) and very wide bounds are capped
at `MAX_EXTRA_REPEATS` beyond the minimum. Negated classes and `.` draw from printable ASCII.
Lookaround assertions, possessive quantifiers and atomic groups cannot be built this way and are
refused with `UnsupportedRegexError`; anchors and word boundaries are accepted and emit nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from random import Random
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

MAX_EXTRA_REPEATS = 8

_PRINTABLE = tuple(chr(code) for code in range(32, 127))
_CATEGORY_CHARS: dict[Any, frozenset[str]] = {
    sre.CATEGORY_DIGIT: frozenset("0123456789"),
    sre.CATEGORY_WORD: frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"),
    sre.CATEGORY_SPACE: frozenset(" "),
    sre.CATEGORY_LINEBREAK: frozenset("\n"),
}
#: What each negated category (\D, \W, \S) must avoid; \s emits only a space but \S avoids all.
_NEGATED_CATEGORIES: dict[Any, frozenset[str]] = {
    sre.CATEGORY_NOT_DIGIT: _CATEGORY_CHARS[sre.CATEGORY_DIGIT],
    sre.CATEGORY_NOT_WORD: _CATEGORY_CHARS[sre.CATEGORY_WORD],
    sre.CATEGORY_NOT_SPACE: frozenset(" \t\n\r\f\v"),
    sre.CATEGORY_NOT_LINEBREAK: _CATEGORY_CHARS[sre.CATEGORY_LINEBREAK],
}

_Groups = dict[int, str]
_Piece = Callable[[Random, _Groups], str]


class UnsupportedRegexError(ValueError):
    """The pattern compiles but uses a construct values cannot be built for."""


class RegexValues:
    """Builds values for one pattern. Raises `re.error` for patterns that do not compile."""

    def __init__(self, pattern: str) -> None:
        parsed = _parser.parse(pattern)
        ignorecase = bool(parsed.state.flags & re.IGNORECASE)
        self.pattern = pattern
        self._build = _sequence(list(parsed), ignorecase)

    def sample(self, rng: Random) -> str:
        return self._build(rng, {})


def _sequence(items: list[tuple[Any, Any]], ignorecase: bool) -> _Piece:
    pieces = [_node(op, av, ignorecase) for op, av in items]

    def build(rng: Random, groups: _Groups) -> str:
        return "".join(piece(rng, groups) for piece in pieces)

    return build


def _node(op: Any, av: Any, ignorecase: bool) -> _Piece:
    if op is sre.LITERAL:
        text = chr(av)
        return lambda _rng, _groups: text
    if op is sre.NOT_LITERAL:
        return _choose(_outside(frozenset(chr(av)), ignorecase))
    if op is sre.ANY:
        return _choose(tuple(c for c in _PRINTABLE if c != "\n"))
    if op is sre.IN:
        return _choose(_class_chars(av, ignorecase))
    if op is sre.BRANCH:
        return _branch([_sequence(list(alt), ignorecase) for alt in av[1]])
    if op is sre.SUBPATTERN:
        group, add_flags, del_flags, inner = av
        local_case = (ignorecase or bool(add_flags & re.IGNORECASE)) and not (
            del_flags & re.IGNORECASE
        )
        return _group(group, _sequence(list(inner), local_case))
    if op is sre.MAX_REPEAT or op is sre.MIN_REPEAT:
        low, high, inner = av
        return _repeat(low, high, _sequence(list(inner), ignorecase))
    if op is sre.GROUPREF:
        return lambda _rng, groups: groups.get(av, "")
    if op is sre.GROUPREF_EXISTS:
        group, yes, no = av
        when_set = _sequence(list(yes), ignorecase)
        otherwise = _sequence(list(no), ignorecase) if no is not None else _empty
        return lambda rng, groups: (when_set if group in groups else otherwise)(rng, groups)
    if op is sre.AT:
        return _empty
    names = {
        sre.ASSERT: "lookahead/lookbehind assertions",
        sre.ASSERT_NOT: "negative lookahead/lookbehind assertions",
        sre.POSSESSIVE_REPEAT: "possessive quantifiers",
        sre.ATOMIC_GROUP: "atomic groups",
    }
    msg = f"cannot build values for {names.get(op, str(op).lower())}"
    raise UnsupportedRegexError(msg)


def _empty(_rng: Random, _groups: _Groups) -> str:
    return ""


def _choose(chars: tuple[str, ...]) -> _Piece:
    if not chars:
        msg = "a character class matches no printable ASCII character"
        raise UnsupportedRegexError(msg)
    count = len(chars)
    return lambda rng, _groups: chars[int(rng.random() * count)]


def _branch(alternatives: list[_Piece]) -> _Piece:
    count = len(alternatives)
    return lambda rng, groups: alternatives[int(rng.random() * count)](rng, groups)


def _group(group: int | None, inner: _Piece) -> _Piece:
    if group is None:
        return inner

    def build(rng: Random, groups: _Groups) -> str:
        groups[group] = text = inner(rng, groups)
        return text

    return build


def _repeat(low: int, high: int, inner: _Piece) -> _Piece:
    high = min(high, low + MAX_EXTRA_REPEATS)  # MAXREPEAT (unbounded) is a huge int

    def build(rng: Random, groups: _Groups) -> str:
        times = rng.randint(low, high)
        return "".join(inner(rng, groups) for _ in range(times))

    return build


def _class_chars(items: list[tuple[Any, Any]], ignorecase: bool) -> tuple[str, ...]:
    """The characters a `[...]` class may emit: its members, or printable ASCII outside them."""
    negated = bool(items) and items[0][0] is sre.NEGATE
    members: set[str] = set()
    ranges: list[tuple[int, int]] = []
    for op, av in items[1:] if negated else items:
        if op is sre.LITERAL:
            members.add(chr(av))
        elif op is sre.RANGE:
            ranges.append(av)
        elif op is sre.CATEGORY and av in _CATEGORY_CHARS:
            members |= _CATEGORY_CHARS[av]
        elif op is sre.CATEGORY and av in _NEGATED_CATEGORIES:
            members.update(c for c in _PRINTABLE if c not in _NEGATED_CATEGORIES[av])
        else:
            msg = f"cannot build values for class item {op}"
            raise UnsupportedRegexError(msg)
    if negated:
        members.update(c for c in _PRINTABLE if any(lo <= ord(c) <= hi for lo, hi in ranges))
        return _outside(frozenset(members), ignorecase)
    members.update(chr(code) for lo, hi in ranges for code in range(lo, min(hi, lo + 4096) + 1))
    return tuple(sorted(members))


def _outside(excluded: frozenset[str], ignorecase: bool) -> tuple[str, ...]:
    """Printable ASCII not in `excluded` (nor, under IGNORECASE, in its other case)."""
    if ignorecase:
        excluded = excluded | {c.swapcase() for c in excluded}
    return tuple(c for c in _PRINTABLE if c not in excluded)
