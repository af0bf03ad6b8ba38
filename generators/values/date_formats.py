"""How a rule's `format` reads for DATE and DATETIME fields: ISO 8601 or a strftime pattern."""

from __future__ import annotations

from generators.core.request import FieldConstraint

#: Formats that mean "ISO 8601" (the default) rather than a strftime pattern.
ISO_FORMAT_NAMES = frozenset({"iso", "iso8601", "iso-8601", "rfc3339"})


def strftime_pattern(rule: FieldConstraint) -> str | None:
    """The rule's strftime pattern, or None for ISO 8601 (no format, or a name like `iso8601`)."""
    if not rule.format or rule.format.strip().lower() in ISO_FORMAT_NAMES:
        return None
    return rule.format
