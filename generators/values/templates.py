"""Format templates for string values, such as `CRT-{year}-{random:7}`.

`{year}` becomes the record's year and `{random:N}` N random digits; every other character is
literal. The first `{random:N}` can instead carry a caller-chosen number, which is how ids stay
unique within a request (see `generators.values.permutation`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from random import Random

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_RANDOM = re.compile(r"random:(\d{1,2})")


#: Digit runs up to this long are drawn from one float (53 bits); longer ones need randrange.
_FLOAT_SAFE_DIGITS = 15
_FLOAT_SAFE_MODULUS = 10**_FLOAT_SAFE_DIGITS


class _Marker(Enum):
    YEAR = "year"


@dataclass(frozen=True, slots=True)
class FormatTemplate:
    """A parsed template: literal strings, the year marker, or ints (digits of a random run)."""

    parts: tuple[str | int | _Marker, ...]
    #: `str.format` of a pattern with the year as field 0 and the random runs as fields 1, 2...
    _format: Callable[..., str] = field(init=False, repr=False, compare=False)
    #: 10**N for each random run, in order.
    _moduli: tuple[int, ...] = field(init=False, repr=False, compare=False)
    #: For one-run templates (ids): year -> (text before the run, text after it).
    _ends: dict[int, tuple[str, str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        pattern: list[str] = []
        moduli: list[int] = []
        for part in self.parts:
            if isinstance(part, int):
                moduli.append(10**part)
                pattern.append(f"{{{len(moduli)}:0{part}d}}")
            elif part is _Marker.YEAR:
                pattern.append("{0}")
            else:
                pattern.append(part.replace("{", "{{").replace("}", "}}"))
        object.__setattr__(self, "_format", "".join(pattern).format)
        object.__setattr__(self, "_moduli", tuple(moduli))
        object.__setattr__(self, "_ends", {})

    @classmethod
    def parse(cls, template: str) -> FormatTemplate:
        """Raises ValueError naming the first placeholder that is neither {year} nor {random:N}."""
        parts: list[str | int | _Marker] = []
        position = 0
        for match in _PLACEHOLDER.finditer(template):
            parts.append(template[position : match.start()])
            name = match.group(1).strip()
            random_run = _RANDOM.fullmatch(name)
            if name == _Marker.YEAR.value:
                parts.append(_Marker.YEAR)
            elif random_run and 1 <= int(random_run.group(1)) <= 18:
                parts.append(int(random_run.group(1)))
            else:
                msg = f"unknown placeholder {match.group(0)}; use {{year}} or {{random:N}}, N 1..18"
                raise ValueError(msg)
            position = match.end()
        parts.append(template[position:])
        return cls(tuple(p for p in parts if p != ""))

    @property
    def unique_digits(self) -> int:
        """The length of the first random run (0 when there is none)."""
        return next((part for part in self.parts if isinstance(part, int)), 0)

    def render(self, rng: Random, year: int, unique: int | None = None) -> str:
        """The template filled in; `unique` (if given) fills the first random run."""
        moduli = self._moduli
        if len(moduli) == 1:  # the usual id template, a hot path: no str.format
            modulus = moduli[0]
            if unique is not None:
                number = unique % modulus
            elif modulus <= _FLOAT_SAFE_MODULUS:
                number = int(rng.random() * modulus)  # `draw_int(rng, 0, modulus - 1)`
            else:
                number = rng.randrange(modulus)
            ends = self._ends.get(year) or self._ends_of(year)
            return ends[0] + str(number + modulus)[1:] + ends[1]  # zero-padded to N digits
        numbers: list[int] = []
        for modulus in moduli:
            if unique is not None:
                numbers.append(unique % modulus)
                unique = None
            elif modulus <= _FLOAT_SAFE_MODULUS:
                numbers.append(int(rng.random() * modulus))  # `draw_int(rng, 0, modulus - 1)`
            else:
                numbers.append(rng.randrange(modulus))
        return self._format(year, *numbers)

    @property
    def single_run_modulus(self) -> int | None:
        """10**N when the template has exactly one random run (as ids do), else None."""
        return self._moduli[0] if len(self._moduli) == 1 else None

    def fill(self, year: int, number: int) -> str:
        """A one-run template with `number` (0 <= number < 10**N) as the run's digits: what
        `render` gives when the run's number is `number`."""
        ends = self._ends.get(year) or self._ends_of(year)
        return ends[0] + str(number + self._moduli[0])[1:] + ends[1]

    def _ends_of(self, year: int) -> tuple[str, str]:
        if len(self._ends) > 1_000:
            self._ends.clear()
        run = next(i for i, part in enumerate(self.parts) if isinstance(part, int))
        head, tail = (
            "".join(str(year) if p is _Marker.YEAR else str(p) for p in parts)
            for parts in (self.parts[:run], self.parts[run + 1 :])
        )
        ends = self._ends[year] = (head, tail)
        return ends

    def regex(self) -> str:
        """A regular expression that every rendering fully matches."""
        pieces: list[str] = []
        for part in self.parts:
            if isinstance(part, int):
                pieces.append(rf"\d{{{part}}}")
            elif part is _Marker.YEAR:
                pieces.append(r"\d{4}")
            else:
                pieces.append(re.escape(part))
        return "".join(pieces)
