"""The fast paths give exactly what the plain code they replace would give, and records built
from shared tables never share mutable parts."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from typing import Any

import pytest

from generators.core.request import FieldConstraint, GenerationRequest, Scenario
from generators.entities.registry import resolve_schema
from generators.paths.traditional.generator import TraditionalGenerator
from generators.values.catalogue import ALL_PRODUCTS, THEMES
from generators.values.clock import date_iso, utc_iso
from generators.values.context import DEFAULT_REFERENCE_TIME, utc_datetime
from generators.values.faker_pools import faker_pools
from generators.values.ids import UniqueNumbers
from generators.values.people import make_address, make_email, make_phone
from generators.values.permutation import DigitPermutation
from generators.values.pools import ValuePools
from generators.values.templates import FormatTemplate
from testing.generation import generate_all

Record = dict[str, Any]


@pytest.fixture(scope="module")
def generator() -> TraditionalGenerator:
    return TraditionalGenerator()


@pytest.fixture(scope="module")
def pools() -> ValuePools:
    return faker_pools()


async def generate(
    generator: TraditionalGenerator, request: GenerationRequest, batch_size: int = 250
) -> list[Record]:
    return await generate_all(request, resolve_schema(request), generator, batch_size=batch_size)


def feistel(digits: int, key: int, index: int) -> int:
    """`DigitPermutation` as first written: a loop over the rounds, nothing remembered."""
    key_stream = random.Random(key)
    keys = [key_stream.getrandbits(32) for _ in range(4)]
    high: int = 10 ** (digits // 2)
    low: int = 10 ** (digits - digits // 2)
    span: int = 10**digits
    left, right = divmod(index % span, low)
    left_size = high
    for round_key in keys:
        mixed = ((right ^ round_key) * 0x45D9F3B) & 0xFFFFFFFF
        left, right = right, (left + (mixed ^ (mixed >> 13))) % left_size
        left_size = low if left_size == high else high
    return left * low + right


@pytest.mark.parametrize("digits", [0, 1, 2, 5, 7, 10, 11, 14])
def test_permutation_with_and_without_memo_matches_the_plain_rounds(digits: int) -> None:
    permutation = DigitPermutation(digits, key=2**200 + digits)
    rng = random.Random(digits)
    indexes = [rng.randrange(10 ** (digits + 1)) for _ in range(2_000)] + list(range(500))
    for _ in range(2):  # the second pass reads remembered round values
        assert [permutation(i) for i in indexes] == [
            feistel(digits, 2**200 + digits, i) for i in indexes
        ]


def plain_render(
    template: FormatTemplate, rng: random.Random, year: int, unique: int | None
) -> str:
    """`FormatTemplate.render` as first written: one f-string per part."""
    out = []
    for part in template.parts:
        if isinstance(part, int):
            if unique is not None:
                number = unique % 10**part
            elif part <= 15:
                number = int(rng.random() * 10**part)
            else:
                number = rng.randrange(10**part)
            unique = None
            out.append(f"{number:0{part}d}")
        elif isinstance(part, str):
            out.append(part)
        else:
            out.append(str(year))
    return "".join(out)


@pytest.mark.parametrize(
    "text",
    [
        "CRT-{year}-{random:7}",
        "USR-{random:7}",
        "{random:1}",
        "A{random:16}",
        "{year}{random:18}x{year}",
        "x}{y{random:3}z{ random:18 }-{year}{random:16}",
        "plain-{year}",
        "no placeholders",
        "{{random:2}}",
    ],
)
def test_template_fast_paths_render_what_the_plain_code_renders(text: str) -> None:
    template = FormatTemplate.parse(text)
    for unique in (None, 0, 5, 12_345_678_901_234_567_890):
        fast, plain = random.Random(7), random.Random(7)
        for year in (1999, 2025, 2026, 2025):
            rendered = [template.render(fast, year, unique) for _ in range(20)]
            assert rendered == [plain_render(template, plain, year, unique) for _ in range(20)]
    modulus = template.single_run_modulus
    if modulus is not None:
        for number in (0, 1, modulus - 1, modulus // 3):
            assert template.fill(2024, number) == template.render(random.Random(), 2024, number)


def test_clock_tables_give_isoformat_and_year() -> None:
    rng = random.Random(3)
    reference = int(DEFAULT_REFERENCE_TIME.timestamp())
    instants = [reference - rng.randrange(10 * 365 * 86_400) for _ in range(5_000)]
    instants += [0, -1, -86_400 * 400, 951_782_400, 4_102_444_799, reference, reference - 1]
    for epoch in instants:
        moment = utc_datetime(epoch)
        assert utc_iso(epoch) == (moment.isoformat(), moment.year)
    leap_day = date(2024, 2, 29).toordinal()
    for ordinal in [
        leap_day,
        leap_day + 1,
        1,
        *(rng.randrange(700_000, 760_000) for _ in range(2_000)),
    ]:
        assert date_iso(ordinal) == date.fromordinal(ordinal).isoformat()
    assert datetime.fromisoformat(utc_iso(reference)[0]).tzinfo == UTC


def test_people_fast_paths_match_the_plain_formatting(pools: ValuePools) -> None:
    fast, plain = random.Random(11), random.Random(11)
    for _ in range(2_000):
        area, line = 201 + int(plain.random() * 789), int(plain.random() * 100)
        assert make_phone(fast) == f"+1-{area}-555-01{line:02d}"
        number = 1 + int(plain.random() * 9999)
        street = pools.street_names[int(plain.random() * len(pools.street_names))]
        city = pools.cities[int(plain.random() * len(pools.cities))]
        state = pools.states[int(plain.random() * len(pools.states))]
        postal = f"{1001 + int(plain.random() * 98950):05d}"
        assert make_address(fast, pools) == {
            "street": f"{number} {street}",
            "city": city,
            "state": state,
            "postal_code": postal,
            "country": "US",
        }
    assert make_email(random.Random(1), "Ann", "", "07").split("@")[1] in {
        "example.com",
        "example.net",
        "example.org",
    }


@pytest.mark.parametrize("entity", ["cart", "order"])
async def test_baskets_are_the_same_whatever_the_batch_size(
    generator: TraditionalGenerator, entity: str
) -> None:
    request = GenerationRequest(request_id=f"speed-{entity}", entity=entity, count=600)
    whole = await generate(generator, request, batch_size=600)
    assert await generate(generator, request, batch_size=1) == whole
    assert await generate(generator, request, batch_size=77) == whole


async def test_cart_lines_are_distinct_products_priced_in_their_range(
    generator: TraditionalGenerator,
) -> None:
    request = GenerationRequest(request_id="speed-lines", entity="cart", count=3_000)
    products = {p.code: p for p in ALL_PRODUCTS}
    occasions = {t.occasion: {p.code for p in t.products} for t in THEMES}
    records = await generate(generator, request)
    counts = {len(r["items"]) for r in records}
    assert counts == {1, 2, 3, 4, 5}
    for record in records:
        codes = [item["sku"][:7] for item in record["items"]]
        assert len(set(codes)) == len(codes), "a product twice in one cart"
        assert set(codes) <= occasions[record["_shopping_occasion"]]
        subtotal = 0
        for item in record["items"]:
            product = products[item["sku"][:7]]
            cents = round(item["price"] * 100)
            assert item["price"] == cents / 100
            assert (product.min_dollars - 1) * 100 <= cents < product.max_dollars * 100
            assert cents % 100 in {0, 50, 95, 99}
            assert list(item) == ["sku", "name", "quantity", "price", "category"]
            assert item["category"] == product.category
            subtotal += item["quantity"] * cents
        assert round(record["subtotal"] * 100) == subtotal
    assert len({r["cart_id"] for r in records}) == len(records)
    assert len({r["customer_id"] for r in records}) > 0.99 * len(records)


async def test_records_never_share_item_dicts(generator: TraditionalGenerator) -> None:
    request = GenerationRequest(
        request_id="speed-shared",
        entity="cart",
        count=400,
        scenarios=(
            Scenario("cheap", 200, overrides={"items.price": "0.5"}),
            Scenario("usual", 200),
        ),
    )
    records = await generate(generator, request)
    assert all(i["price"] == 0.5 for r in records[:200] for i in r["items"])
    assert all(i["price"] != 0.5 for r in records[200:] for i in r["items"])
    items = [item for record in records for item in record["items"]]
    assert len({id(item) for item in items}) == len(items)
    again = await generate(
        generator, GenerationRequest(request_id="speed-shared", entity="cart", count=400)
    )
    assert all(i["price"] != 0.5 for r in again for i in r["items"])


async def test_cart_ids_follow_their_rules_on_and_off_the_fast_path(
    generator: TraditionalGenerator,
) -> None:
    constraints = {
        "cart_id": FieldConstraint(format="C-{random:3}-{year}-{random:2}"),
        "customer_id": FieldConstraint(enum_values=("A", "B")),
    }
    request = GenerationRequest(
        request_id="speed-ids", entity="cart", count=500, constraints=constraints
    )
    records = await generate(generator, request)
    assert all(r["customer_id"] in {"A", "B"} for r in records)
    assert len({r["cart_id"] for r in records}) == len(records)
    assert all(r["cart_id"].split("-")[2] == r["created_at"][:4] for r in records)
    fast = await generate(
        generator, GenerationRequest(request_id="speed-ids", entity="cart", count=500)
    )
    assert all(r["cart_id"] == f"CRT-{r['created_at'][:4]}-{r['cart_id'][-7:]}" for r in fast)
    assert all(len(r["customer_id"]) == 11 and r["customer_id"][4:].isdigit() for r in fast)


@pytest.mark.parametrize("digits", [2, 7, 11])
def test_blocks_of_numbers_match_one_at_a_time(digits: int) -> None:
    permutation = DigitPermutation(digits, key=99)
    assert permutation.many(12_345, 700) == [permutation(i) for i in range(12_345, 13_045)]
    numbers = UniqueNumbers(digits, key=99)
    order = [*range(1_200), 5, 90_000, 3, *range(1_100, 1_300)]  # in order, mostly
    assert [numbers(i) for i in order] == [permutation(i) for i in order]
