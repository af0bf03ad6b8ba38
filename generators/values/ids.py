"""Fast paths for the ids of predefined entities whose rule is a plain format template.

`BuildContext.id_maker` handles every rule (enum values, a regex or a format template).
Carts make one or two ids per record, so when the rule is just a one-run template, such as the
default `CRT-{year}-{random:7}`, the builder fills the template itself: the same text that
`id_maker` gives, for less than half the time.
"""

from __future__ import annotations

from generators.values.context import BuildContext
from generators.values.permutation import DigitPermutation
from generators.values.templates import FormatTemplate


def plain_template(context: BuildContext, path: str) -> FormatTemplate | None:
    """The rule's template if it alone shapes the field at `path` and has one random run."""
    rule = context.schema.rule(path)
    if rule.regex or rule.enum_values or not rule.format:
        return None
    template = FormatTemplate.parse(rule.format)
    return template if template.single_run_modulus is not None else None


def run_ends(template: FormatTemplate, year: int) -> tuple[str, str]:
    """A one-run template's text before and after its digits in `year`: `template.fill(year, n)`
    is `head + str(n + modulus)[1:] + tail`, for builders that inline it."""
    run = next(i for i, part in enumerate(template.parts) if isinstance(part, int))
    head, tail = (
        "".join(part if isinstance(part, str) else str(year) for part in parts)
        for parts in (template.parts[:run], template.parts[run + 1 :])
    )
    return head, tail


#: Unique numbers are worked out for this many consecutive records at a time.
_BLOCK = 512


class UniqueNumbers:
    """`DigitPermutation(digits, key)(index)`, worked out a block of indexes at a time.

    Records are built in index order, so blocks come from `DigitPermutation.many`, which
    saves a call per record (any index works; out-of-order ones just cost a block each)."""

    def __init__(self, digits: int, key: int) -> None:
        self._permutation = DigitPermutation(digits, key)
        self._block_start = 0
        self._block: list[int] = []

    def __call__(self, index: int) -> int:
        offset = index - self._block_start
        if not 0 <= offset < len(self._block):
            self._block_start, offset = index, 0
            self._block = self._permutation.many(index, _BLOCK)
        return self._block[offset]

    def many(self, start: int, count: int) -> list[int]:
        """`[self(i) for i in range(start, start + count)]`, in one call."""
        return self._permutation.many(start, count)


class UniqueIds:
    """Record i's unique id from a one-run template: `id_maker(path, unique=True)`'s value."""

    def __init__(self, context: BuildContext, path: str, template: FormatTemplate) -> None:
        self.template = template
        self._numbers = UniqueNumbers(template.unique_digits, context.unique_key(path))

    def __call__(self, index: int, year: int) -> str:
        return self.template.fill(year, self._numbers(index))

    def numbers(self, start: int, count: int) -> list[int]:
        """The run's numbers for records `start`.. `start + count - 1`: record i's id is
        `template.fill(year, numbers[i - start])`."""
        return self._numbers.many(start, count)
