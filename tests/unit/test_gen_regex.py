"""Constructive regex generation: every value fully matches, and nothing is retried."""

from __future__ import annotations

import random
import re

import pytest

from generators.core.errors import UnsupportedRegexError
from generators.values.regex_values import MAX_EXTRA_REPEATS, RegexValues

PATTERNS = [
    r"[A-Z]{3}-\d{4}",
    r"^SKU-[0-9A-F]{6}$",
    r"(foo|ba?r)+\d*",
    r"(?i)[^a-z0-9]{2,5}",
    r"(\w+)@(\w+)\.com/\1",
    r"[^\s]+\S\W\D",
    r".{3,}",
    r"(a)?(?(1)b|c)",
    r"\b\w+\b",
    r"[\u00e9-\u00ff]x",
    r"(?x) a \d+ # comment",
    r"(?i:ab)C[.-]?",
    r"\d{3}-\d{2}-\d{4}|N/A",
    r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}",
    r"\+1-\d{3}-555-01\d\d",
    r"[a-z]+?x*?",
]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_values_fully_match_their_pattern(pattern: str) -> None:
    values = RegexValues(pattern)
    rng = random.Random(7)

    samples = [values.sample(rng) for _ in range(300)]

    assert all(re.fullmatch(pattern, s) for s in samples), pattern
    assert len(set(samples)) > 1 or pattern == r"(a)?(?(1)b|c)"


def test_unbounded_repetition_is_capped() -> None:
    values = RegexValues(r"a*b+")
    rng = random.Random(1)

    longest = max(len(values.sample(rng)) for _ in range(500))

    assert longest <= 1 + 2 * MAX_EXTRA_REPEATS


def test_the_same_rng_state_gives_the_same_values() -> None:
    values = RegexValues(r"[A-Z]{2}\d{5}")

    assert values.sample(random.Random(3)) == values.sample(random.Random(3))


@pytest.mark.parametrize(
    ("pattern", "construct"),
    [
        (r"a(?=b)b", "lookahead"),
        (r"(?<!x)y", "lookahead/lookbehind"),
        (r"a*+", "possessive"),
        (r"(?>ab)", "atomic"),
        (r"[^\x00-\x7f]", "class"),
    ],
)
def test_constructs_values_cannot_be_built_for_are_refused(pattern: str, construct: str) -> None:
    with pytest.raises(UnsupportedRegexError, match=construct):
        RegexValues(pattern)


def test_patterns_that_do_not_compile_raise_re_error() -> None:
    with pytest.raises(re.error):
        RegexValues("[A-Z")


PIECES = (r"\d", r"[a-f]", r"x", r"(y|zz)", r"[^,]", r"\w", r"-", r"\.", r"[A-Z0-9]", r"\s?")
QUANTIFIERS = ("", "?", "*", "+", "{2}", "{1,3}", "{0,2}?")


def test_randomly_composed_patterns_always_match() -> None:
    rng = random.Random(2024)
    for _ in range(500):
        pieces = [rng.choice(PIECES) for _ in range(rng.randint(1, 6))]
        pattern = "".join(f"(?:{p}){rng.choice(QUANTIFIERS)}" for p in pieces)
        values = RegexValues(pattern)

        for _ in range(5):
            value = values.sample(rng)
            assert re.fullmatch(pattern, value), (pattern, value)


HOSTILE = [r"^(a+)+b$", r"(a|aa)+$", r"^(\w+\s?)*$", r"(x+x+)+y", r"^([a-z0-9]+)*@\w+\.com$"]


@pytest.mark.parametrize("pattern", HOSTILE)
def test_catastrophic_backtracking_patterns_are_built_not_matched(pattern: str) -> None:
    """Patterns that make a backtracking matcher explode yield matching values.

    Speed is covered by construction: values come from the parse tree, nothing is matched while
    building, so the cost is linear in the value's length; this test only checks the values."""
    values = RegexValues(pattern, max_length=40)
    rng = random.Random(5)

    samples = [values.sample(rng) for _ in range(100)]

    assert all(re.fullmatch(pattern, s) and len(s) <= 40 for s in samples)


@pytest.mark.parametrize(
    ("pattern", "low", "high"),
    [(r"[a-z]+", 20, 30), (r"(ab|cde)*", 7, 7), (r"\w{1,20}", 15, None), (r"\d+-\d+", 3, 5)],
)
def test_values_fit_min_and_max_length(pattern: str, low: int, high: int | None) -> None:
    values = RegexValues(pattern, min_length=low, max_length=high)
    rng = random.Random(9)

    for _ in range(200):
        value = values.sample(rng)
        assert re.fullmatch(pattern, value)
        assert low <= len(value) <= (high if high is not None else 10_000)


@pytest.mark.parametrize(
    ("pattern", "bounds", "message"),
    [
        (r"[A-Z]{10}", {"max_length": 8}, "shortest match has 10 characters, more than max_length"),
        (r"\d{3}", {"min_length": 5}, "longest match has 3 characters, fewer than min_length 5"),
        (r"(ab)+", {"min_length": 3, "max_length": 3}, "no match has a length between"),
        ("a{100000}", {}, "more than the limit of 10000"),
        ("(a?){100000}", {}, "steps"),
        (r"(a)?\1", {}, "may not take part"),
        (r"(a)|b\1", {}, "may not take part"),
        ("(" * 2000 + ")" * 2000, {}, "nests too deeply"),
    ],
)
def test_patterns_that_cannot_be_built_within_bounds(
    pattern: str, bounds: dict[str, int], message: str
) -> None:
    with pytest.raises(UnsupportedRegexError, match=re.escape(message)):
        RegexValues(pattern, **bounds)
