"""Merging the model's judgement fields into code-made records, and recomputing what follows.

Each batch starts as records from the traditional generator ("skeletons": ids, timestamps,
currency, addresses, `_index`, `_scenario`, all deterministic from the request's seed). The
model's values replace only the judgement fields (see `division`); everything derived from them
is then recomputed by code, in integer cents:

- cart/order: each item's `sku` from its name, `subtotal` = sum(quantity x price), `tax` at the
  skeleton's own rate, `total` = subtotal (+ shipping) + tax;
- user: the email's local part from the new first and last name (keeping the skeleton's unique
  suffix and domain).

Keys the model adds beyond the judgement fields and the template's tag are dropped.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from generators.core.protocol import Record
from generators.core.request import FieldSpec, FieldType
from generators.core.schema import EntitySchema
from generators.core.seeding import stable_seed
from generators.values.money import NO_TAX, TAX_RATES, dollars
from generators.values.people import name_key
from generators.values.scenario_words import HIGH_VALUE_CENTS, basket_shape

_EMAIL_SUFFIX = re.compile(r"(\d*)@(.+)$")


def merge_batch(
    skeletons: Sequence[Record],
    replies: Sequence[Any],
    fields: tuple[FieldSpec, ...],
    schema: EntitySchema,
    tag: str | None,
) -> tuple[list[Record], list[str]]:
    """Skeletons with the model's fields merged in and derived fields recomputed, plus the
    problems found in matching replies to skeletons (wrong count, non-object records)."""
    problems: list[str] = []
    if len(replies) != len(skeletons):
        problems.append(f"expected exactly {len(skeletons)} records, got {len(replies)}")
    ordered = _match_by_scenario(skeletons, replies)
    merged: list[Record] = []
    for position, (skeleton, reply) in enumerate(zip(skeletons, ordered, strict=True)):
        if not isinstance(reply, Mapping):
            problems.append(f"record {position}: not a JSON object")
            merged.append(dict(skeleton))
            continue
        record = merge_record(skeleton, reply, fields, tag)
        recompute_derived(record, skeleton, schema)
        merged.append(record)
    return merged, problems


def _match_by_scenario(skeletons: Sequence[Record], replies: Sequence[Any]) -> list[Any]:
    """Replies in skeleton order: by `_scenario` when the model labelled every reply with a
    scenario of this batch, else by position. Missing replies become None."""
    wanted = {s["_scenario"] for s in skeletons}
    labelled = all(isinstance(r, Mapping) and r.get("_scenario") in wanted for r in replies)
    if not labelled:
        return [replies[i] if i < len(replies) else None for i in range(len(skeletons))]
    queues: dict[str, list[Any]] = defaultdict(list)
    for reply in replies:
        queues[reply["_scenario"]].append(reply)
    return [queues[s["_scenario"]].pop(0) if queues[s["_scenario"]] else None for s in skeletons]


def merge_record(
    skeleton: Record, reply: Mapping[str, Any], fields: tuple[FieldSpec, ...], tag: str | None
) -> Record:
    record = dict(skeleton)
    for spec in fields:
        if spec.name not in reply:
            continue
        value = reply[spec.name]
        if spec.type is FieldType.ARRAY and spec.nested_fields and isinstance(value, list):
            allowed = {child.name for child in spec.nested_fields}
            value = [
                {k: v for k, v in element.items() if k in allowed}
                if isinstance(element, Mapping)
                else element
                for element in value
            ]
        record[spec.name] = value
    if tag is not None and isinstance(reply.get(tag), str):
        record[tag] = reply[tag]
    return record


def recompute_derived(record: Record, skeleton: Record, schema: EntitySchema) -> None:
    if not schema.predefined:
        return
    if schema.name in ("cart", "order"):
        _recompute_money(record, skeleton)
    elif schema.name == "user":
        _recompute_email(record, skeleton)


def sku_for(name: str) -> str:
    """A stable SKU for a product name: equal names get equal SKUs."""
    return f"SKU-{stable_seed('llm-sku', name.strip().lower()) % 10**8:08d}"


def _cents(value: Any) -> int | None:
    if type(value) not in (int, float):
        return None
    return round(float(value) * 100)


def _recompute_money(record: Record, skeleton: Record) -> None:
    items = record.get("items")
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        return
    subtotal = 0
    for item in items:
        price, quantity = _cents(item.get("price")), item.get("quantity")
        if price is None or type(quantity) is not int:
            return  # validation reports the bad value; nothing exact to compute
        item["price"] = dollars(price)
        if isinstance(item.get("name"), str):
            item["sku"] = sku_for(item["name"])
        subtotal += price * quantity
    tax = _tax_at_skeleton_rate(subtotal, skeleton)
    shipping = _cents(skeleton.get("shipping")) or 0
    record["items"] = [_ordered_item(item) for item in items]
    record["subtotal"] = dollars(subtotal)
    record["tax"] = dollars(tax)
    if "shipping" in skeleton:
        record["shipping"] = dollars(shipping)
    record["total"] = dollars(subtotal + shipping + tax)
    if not items and "_shopping_occasion" in record:
        record["_shopping_occasion"] = None


def _ordered_item(item: dict[str, Any]) -> dict[str, Any]:
    """`sku` first, as the schema lists it."""
    return {"sku": item.get("sku"), **{k: v for k, v in item.items() if k != "sku"}}


def _tax_at_skeleton_rate(subtotal: int, skeleton: Record) -> int:
    base, tax = _cents(skeleton.get("subtotal")) or 0, _cents(skeleton.get("tax")) or 0
    if base > 0:
        return (subtotal * tax * 2 + base) // (base * 2)  # rounded half up
    rates = TAX_RATES.get(str(skeleton.get("currency")), NO_TAX)
    rate = rates[int(skeleton.get("_index", 0)) % len(rates)]
    return (subtotal * rate + 50_000) // 100_000


def _recompute_email(record: Record, skeleton: Record) -> None:
    email, first, last = skeleton.get("email"), record.get("first_name"), record.get("last_name")
    if not (isinstance(email, str) and isinstance(first, str) and isinstance(last, str)):
        return
    match = _EMAIL_SUFFIX.search(email)
    local = ".".join(part for part in (name_key(first), name_key(last)) if part)
    if match and local:
        record["email"] = f"{local}{match.group(1)}@{match.group(2)}"


def scenario_shape_problems(records: Sequence[Record], schema: EntitySchema) -> list[str]:
    """What a cart's or order's scenario asks of its items: `single_item`, `high_value`..."""
    if not (schema.predefined and schema.name in ("cart", "order")):
        return []
    problems = []
    for position, record in enumerate(records):
        scenario = str(record.get("_scenario"))
        shape = basket_shape(scenario)
        items = record.get("items")
        count = len(items) if isinstance(items, list) else 0
        if shape.item_count is not None and count != shape.item_count:
            problems.append(
                f"record {position} ({scenario}): needs exactly {shape.item_count} items, "
                f"got {count}"
            )
        subtotal = _cents(record.get("subtotal")) or 0
        if shape.high_value and subtotal <= HIGH_VALUE_CENTS:
            problems.append(
                f"record {position} ({scenario}): items must add up to more than "
                f"${dollars(HIGH_VALUE_CENTS):.2f}, got ${dollars(subtotal):.2f}"
            )
    return problems
