"""Format templates for string values, such as `CRT-{year}-{random:7}`.

`{year}` becomes the record's year and `{random:N}` N random digits; every other character is
literal. The first `{random:N}` can instead carry a caller-chosen number, which is how ids stay
unique within a request (see `generators.permutation`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from random import Random

from generators.sampling import draw_int

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_RANDOM = re.compile(r"random:(\d{1,2})")


#: Digit runs up to this long are drawn from one float (53 bits); longer ones need randrange.
_FLOAT_SAFE_DIGITS = 15


class _Marker(Enum):
    YEAR = "year"


@dataclass(frozen=True, slots=True)
class FormatTemplate:
    """A parsed template: literal strings, the year marker, or ints (digits of a random run)."""

    parts: tuple[str | int | _Marker, ...]

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
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, int):
                if unique is not None:
                    number = unique % 10**part
                elif part <= _FLOAT_SAFE_DIGITS:
                    number = draw_int(rng, 0, 10**part - 1)
                else:
                    number = rng.randrange(10**part)
                unique = None
                out.append(f"{number:0{part}d}")
            elif part is _Marker.YEAR:
                out.append(str(year))
            else:
                out.append(part)
        return "".join(out)

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
