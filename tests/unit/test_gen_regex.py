"""Constructive regex generation: every value fully matches, and nothing is retried."""

from __future__ import annotations

import random
import re

import pytest

from generators.regex_values import MAX_EXTRA_REPEATS, RegexValues, UnsupportedRegexError

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
