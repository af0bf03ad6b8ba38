"""The small pieces records are built from: templates, unique numbers, cards, money, people."""

from __future__ import annotations

import random
import re

import pytest

from generators.values.cards import CARD_NETWORKS, brand_of, luhn_valid, make_card_number
from generators.values.line_items import basket_shape
from generators.values.money import dollars, tax_cents
from generators.values.people import email_local_part, name_key
from generators.values.permutation import DigitPermutation
from generators.values.scenario_words import names, value_named_by
from generators.values.sentiment import polarity
from generators.values.templates import FormatTemplate


def test_templates_fill_year_and_random_digits() -> None:
    template = FormatTemplate.parse("CRT-{year}-{random:7}")

    value = template.render(random.Random(1), 2025)

    assert re.fullmatch(r"CRT-2025-\d{7}", value)
    assert re.fullmatch(template.regex(), value)
    assert template.render(random.Random(1), 2025, unique=42) == "CRT-2025-0000042"
    assert template.unique_digits == 7


def test_templates_keep_literal_text_and_refuse_unknown_placeholders() -> None:
    assert FormatTemplate.parse("plain-year.txt").render(random.Random(), 2025) == "plain-year.txt"
    with pytest.raises(ValueError, match=r"\{random\}"):
        FormatTemplate.parse("X-{random}")


@pytest.mark.parametrize("digits", [0, 1, 2, 3, 4, 5])
def test_digit_permutation_is_a_bijection(digits: int) -> None:
    permutation = DigitPermutation(digits, key=12345)

    assert sorted(permutation(i) for i in range(10**digits)) == list(range(10**digits))


def test_digit_permutation_scatters_neighbours_and_depends_on_the_key() -> None:
    first = [DigitPermutation(7, key=1)(i) for i in range(5)]
    second = [DigitPermutation(7, key=2)(i) for i in range(5)]

    assert first != second
    assert first != sorted(first)


@pytest.mark.parametrize(
    ("number", "brand"),
    [
        ("4111111111111111", "visa"),
        ("5555555555554444", "mastercard"),
        ("2223003122003222", "mastercard"),
        ("378282246310005", "amex"),
        ("6011111111111117", "discover"),
    ],
)
def test_well_known_test_cards_pass_and_are_recognised(number: str, brand: str) -> None:
    assert luhn_valid(number)
    assert brand_of(number) == brand


def test_a_wrong_check_digit_fails_luhn() -> None:
    assert not luhn_valid("4111111111111112")
    assert not luhn_valid("41111x1111111111")


@pytest.mark.parametrize("brand", list(CARD_NETWORKS))
def test_made_card_numbers_pass_luhn_and_carry_their_brand(brand: str) -> None:
    rng = random.Random(brand)

    for _ in range(500):
        number = make_card_number(rng, brand)
        assert luhn_valid(number)
        assert brand_of(number) == brand


def test_money_is_exact_in_cents() -> None:
    assert dollars(1999) == 19.99
    assert tax_cents(10_000, 8_875) == 888  # 8.875% of $100.00, half up
    assert tax_cents(1_999, 0) == 0


def test_scenario_names_are_read_as_words() -> None:
    assert names("High-Value carts", "high value")
    assert not names("highway", "high")
    assert value_named_by("declined_card", ("captured", "declined")) == "declined"
    assert basket_shape("empty_cart").item_count == 0
    assert basket_shape("single_item").item_count == 1
    assert basket_shape("HIGH VALUE").high_value


def test_email_local_parts_come_from_the_name_and_end_in_a_letter() -> None:
    rng = random.Random(5)

    parts = {email_local_part(rng, "Mary-Jo", "O'Neil") for _ in range(100)}

    assert parts == {"maryjo.oneil", "moneil", "maryjo_oneil", "maryjoo", "oneil.maryjo"}
    assert name_key("D'Angelo") == "dangelo"


def test_polarity_counts_lexicon_words() -> None:
    assert polarity("Love it, great quality") == 2
    assert polarity("It broke and I returned it") == -2
    assert polarity("Fits as expected") == 0
