"""The payment entity: one payment attempt for an order, with a test card when a card is used."""

from __future__ import annotations

from generators.core.request import FieldConstraint, FieldSpec, FieldType
from generators.core.schema import EntitySchema
from generators.entities.cart import CURRENCIES
from generators.entities.declaration import Entity

#: The PRD's payment methods: credit cards, PayPal, ApplePay, Google Pay, Macy's card, gift cards.
PAYMENT_METHODS: tuple[str, ...] = (
    "credit_card",
    "paypal",
    "apple_pay",
    "google_pay",
    "macys_card",
    "gift_card",
)
#: Methods that carry a network card number (wallets carry the underlying card).
CARD_METHODS: frozenset[str] = frozenset({"credit_card", "apple_pay", "google_pay"})
CARD_BRANDS: tuple[str, ...] = ("visa", "mastercard", "amex", "discover")
PAYMENT_STATUSES: tuple[str, ...] = ("authorized", "captured", "declined", "refunded")

PAYMENT = Entity(
    schema=EntitySchema(
        name="payment",
        domain="ecommerce",
        description="Payment attempt for an order, with Luhn-valid test card numbers",
        fields=(
            FieldSpec("payment_id", FieldType.STRING),
            FieldSpec("order_id", FieldType.STRING),
            FieldSpec("customer_id", FieldType.STRING),
            FieldSpec("amount", FieldType.FLOAT),
            FieldSpec("currency", FieldType.ENUM),
            FieldSpec("method", FieldType.ENUM),
            FieldSpec("card_brand", FieldType.ENUM, required=False),
            FieldSpec("card_number", FieldType.STRING, required=False),
            FieldSpec("card_expiry", FieldType.STRING, required=False, description="MM/YY"),
            FieldSpec("status", FieldType.ENUM),
            FieldSpec("created_at", FieldType.DATETIME),
        ),
        rules={
            "payment_id": FieldConstraint(format="PAY-{year}-{random:8}"),
            "order_id": FieldConstraint(format="ORD-{year}-{random:8}"),
            "customer_id": FieldConstraint(format="USR-{random:7}"),
            "amount": FieldConstraint(min=0.01),
            "currency": FieldConstraint(enum_values=CURRENCIES),
            "method": FieldConstraint(enum_values=PAYMENT_METHODS),
            "card_brand": FieldConstraint(enum_values=CARD_BRANDS),
            "card_expiry": FieldConstraint(regex=r"(0[1-9]|1[0-2])/\d{2}"),
            "status": FieldConstraint(enum_values=PAYMENT_STATUSES),
        },
        coherence_rules=(
            "card_number passes the Luhn check and its prefix matches card_brand",
            "card fields are present exactly for card methods",
            "the card has not expired at created_at unless the payment was declined",
        ),
        predefined=True,
    ),
    model_writes={"amount": (), "status": ()},
    item_coherence=False,
    text_content=False,
    behaviour="generators.entities.payment.behaviour",
)
