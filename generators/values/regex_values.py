"""Strings that fully match a regular expression, built from its parse tree.

Values are constructed, never generated-and-tested: `re`'s own parser (`re._parser`, formerly
`sre_parse`) turns the pattern into a tree once, and each node becomes a small function that
emits text matching it. Unbounded repetition (`*`, `+`, `{n,}`) and very wide bounds are capped
at `MAX_EXTRA_REPEATS` beyond the minimum. Negated classes and `.` draw from printable ASCII.
Catastrophic-backtracking patterns such as `^(a+)+b$` cost nothing special: nothing is matched.

With `min_length`/`max_length`, values also fit those bounds: when the freely built values could
fall outside them, a length is drawn from those the pattern can produce within the bounds and
the value is built to exactly that length (`generators.values.regex_lengths`).

Refused with `UnsupportedRegexError` (validation turns these into problems naming the field):
lookaround assertions, possessive quantifiers and atomic groups; backreferences to a group that
may not take part in the match (inside an optional or alternative part the reference is not in);
patterns whose shortest match is longer than `MAX_VALUE_LENGTH` or whose values would take more
than `MAX_BUILD_STEPS` steps to build (`a{100000}`, `(a?){100000}`); and length bounds no match
can meet (`RegexLengthError`). Anchors and word boundaries are accepted and emit nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from random import Random
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

from generators.core.errors import RegexLengthError, UnsupportedRegexError
from generators.values.regex_lengths import MAX_VALUE_LENGTH, LengthAnalysis, LengthNode, pick_bit

MAX_EXTRA_REPEATS = 8
#: Characters emitted (or nodes visited) to build one value, at most.
MAX_BUILD_STEPS = 2 * MAX_VALUE_LENGTH

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
_UNSUPPORTED = {
    sre.ASSERT: "lookahead/lookbehind assertions",
    sre.ASSERT_NOT: "negative lookahead/lookbehind assertions",
    sre.POSSESSIVE_REPEAT: "possessive quantifiers",
    sre.ATOMIC_GROUP: "atomic groups",
}

_Groups = dict[int, str]
_Piece = Callable[[Random, _Groups], str]


class RegexValues:
    """Builds values for one pattern. Raises `re.error` for patterns that do not compile and
    `UnsupportedRegexError` for patterns (or length bounds) values cannot be built for."""

    def __init__(
        self, pattern: str, *, min_length: int | None = None, max_length: int | None = None
    ) -> None:
        try:
            self._setup(pattern, min_length, max_length)
        except RecursionError as error:
            msg = "the pattern nests too deeply"
            raise UnsupportedRegexError(msg) from error

    def _setup(self, pattern: str, min_length: int | None, max_length: int | None) -> None:
        parsed = _parser.parse(pattern)
        ignorecase = bool(parsed.state.flags & re.IGNORECASE)
        items = list(parsed)
        _shortest, free_longest, _steps = _Checker().sequence(items)
        self.pattern = pattern
        self._build = _sequence(items, ignorecase)
        low = max(min_length or 0, 0)
        high = MAX_VALUE_LENGTH if max_length is None else min(max_length, MAX_VALUE_LENGTH)
        tree = LengthAnalysis(
            _single_chars,
            limit=high,
            unbounded_extra=max(MAX_EXTRA_REPEATS, low),
        ).sequence(items, ignorecase)
        #: Lengths of matches (unbounded repeats counting a few rounds), shortest and longest.
        self.shortest = tree.shortest
        self.longest = tree.longest
        self._tree: LengthNode | None = None
        self._targets = 0
        if tree.shortest >= low and free_longest <= high:  # free values fit already
            return
        allowed = tree.lengths & ~((1 << low) - 1)
        if not allowed:
            raise RegexLengthError(_no_length_message(tree, min_length, max_length))
        if tree.dependent:
            msg = (
                "backreferences and conditional groups cannot be combined with min_length/"
                "max_length bounds that cut into the pattern's lengths"
            )
            raise UnsupportedRegexError(msg)
        self._tree = tree
        self._targets = allowed

    def sample(self, rng: Random) -> str:
        if self._tree is None:
            return self._build(rng, {})
        return self._tree.exact(rng, {}, pick_bit(rng, self._targets))


def _no_length_message(tree: LengthNode, min_length: int | None, max_length: int | None) -> str:
    if max_length is not None and tree.shortest > max_length:
        return (
            f"its shortest match has {tree.shortest} characters, more than max_length {max_length}"
        )
    if min_length is not None and tree.longest < min_length:
        return (
            f"its longest match has {tree.longest} characters, fewer than min_length {min_length}"
        )
    return (
        f"no match has a length between min_length {min_length or 0} and max_length "
        f"{max_length if max_length is not None else MAX_VALUE_LENGTH}"
    )


class _Checker:
    """Refuses what values cannot be built for, before any building: unsupported constructs,
    backreferences to groups that may not take part, and patterns too long or costly to build."""

    def __init__(self) -> None:
        self._scopes: list[int] = []  # optional parts enclosing the current node
        self._next_scope = 0
        self._group_scopes: dict[int, tuple[int, ...]] = {}
        self._group_longest: dict[int, int] = {}

    def _optional(self) -> None:
        self._next_scope += 1
        self._scopes.append(self._next_scope)

    def sequence(self, items: list[tuple[Any, Any]]) -> tuple[int, int, int]:
        """(shortest, longest, steps) of the sequence, uncapped by MAX_VALUE_LENGTH."""
        shortest = longest = steps = 0
        for op, av in items:
            low, high, cost = self._node(op, av)
            shortest += low
            longest += high
            steps += cost
        if shortest > MAX_VALUE_LENGTH:
            msg = (
                f"its shortest match has {shortest} characters, more than the limit of "
                f"{MAX_VALUE_LENGTH}"
            )
            raise UnsupportedRegexError(msg)
        if steps > MAX_BUILD_STEPS:
            msg = (
                f"building one value would take about {steps} steps (repetition too large or "
                f"too deeply nested), more than the limit of {MAX_BUILD_STEPS}"
            )
            raise UnsupportedRegexError(msg)
        return shortest, longest, steps

    def _node(self, op: Any, av: Any) -> tuple[int, int, int]:
        if op in (sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN):
            return 1, 1, 1
        if op is sre.AT:
            return 0, 0, 0
        if op is sre.BRANCH:
            results = []
            for alternative in av[1]:
                self._optional()
                results.append(self.sequence(list(alternative)))
                self._scopes.pop()
            return (
                min(r[0] for r in results),
                max(r[1] for r in results),
                max(r[2] for r in results) + 1,
            )
        if op is sre.SUBPATTERN:
            group, _add, _del, inner = av
            result = self.sequence(list(inner))
            if group is not None:
                self._group_scopes[group] = tuple(self._scopes)
                self._group_longest[group] = result[1]
            return result
        if op is sre.MAX_REPEAT or op is sre.MIN_REPEAT:
            low, high, inner = av
            if low == 0:
                self._optional()
            shortest, longest, steps = self.sequence(list(inner))
            if low == 0:
                self._scopes.pop()
            rounds = min(high, low + MAX_EXTRA_REPEATS)
            return low * shortest, rounds * longest, rounds * max(steps, 1) + 1
        if op is sre.GROUPREF:
            scopes = self._group_scopes.get(av)
            if scopes is None or not set(scopes) <= set(self._scopes):
                msg = f"backreference \\{av} refers to a group that may not take part in the match"
                raise UnsupportedRegexError(msg)
            longest = self._group_longest[av]
            return 0, longest, longest + 1
        if op is sre.GROUPREF_EXISTS:
            _group, yes, no = av
            self._optional()
            first = self.sequence(list(yes))
            second = self.sequence(list(no)) if no is not None else (0, 0, 0)
            self._scopes.pop()
            return min(first[0], second[0]), max(first[1], second[1]), max(first[2], second[2])
        msg = f"cannot build values for {_UNSUPPORTED.get(op, str(op).lower())}"
        raise UnsupportedRegexError(msg)


def _single_chars(op: Any, av: Any, ignorecase: bool) -> tuple[str, ...]:
    """The characters a one-character node (other than a literal) may emit."""
    if op is sre.NOT_LITERAL:
        chars = _outside(frozenset(chr(av)), ignorecase)
    elif op is sre.ANY:
        chars = tuple(c for c in _PRINTABLE if c != "\n")
    else:
        chars = _class_chars(av, ignorecase)
    if not chars:
        msg = "a character class matches no printable ASCII character"
        raise UnsupportedRegexError(msg)
    return chars


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
