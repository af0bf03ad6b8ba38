"""Record builders for the five predefined entities: hand-written, coherent, rule-aware.

Each module documents the coherence it guarantees and the scenario names it understands. The
builders honour the rules (predefined or from the request) on their ids (format, regex or enum
values), on their enum fields (currency, status, method, tier, sentiment...) and on the numeric
ranges they draw (quantity, unit price, amount, points, rating). Other request constraints on a
predefined entity -- bounds on derived totals, a strftime format for a timestamp -- are not
enforced here; the coherence score reports records that break them.
"""

from collections.abc import Callable

from generators.entities.cart.behaviour import CartBuilder
from generators.entities.order.behaviour import OrderBuilder
from generators.entities.payment.behaviour import PaymentBuilder
from generators.entities.review.behaviour import ReviewBuilder
from generators.entities.user.behaviour import UserBuilder
from generators.values.context import BuildContext, RecordBuilder

ENTITY_BUILDERS: dict[str, Callable[[BuildContext], RecordBuilder]] = {
    "cart": CartBuilder,
    "order": OrderBuilder,
    "payment": PaymentBuilder,
    "user": UserBuilder,
    "review": ReviewBuilder,
}

__all__ = ["ENTITY_BUILDERS"]
