"""A tiny sentiment lexicon: enough to tell whether review text agrees with its sentiment.

It counts words, nothing more (no negation handling), which is why generated review text avoids
phrases like "not great". `polarity` > 0 reads positive, < 0 negative.
"""

from __future__ import annotations

import re

POSITIVE_WORDS = frozenset(
    {
        "love", "loved", "loves", "great", "excellent", "perfect", "perfectly", "comfortable",
        "recommend", "recommended", "happy", "beautiful", "amazing", "fantastic", "favorite",
        "sturdy", "gorgeous", "awesome", "glad", "pleased", "impressed", "wonderful",
    }
)  # fmt: skip
NEGATIVE_WORDS = frozenset(
    {
        "disappointed", "disappointing", "broke", "broken", "poor", "cheap", "flimsy",
        "returned", "returning", "refund", "worst", "terrible", "awful", "uncomfortable",
        "faded", "damaged", "waste", "useless", "defective", "ripped", "unhappy", "bad",
    }
)  # fmt: skip
_WORD = re.compile(r"[a-z']+")


def polarity(text: str) -> int:
    """Positive minus negative lexicon words in `text`."""
    words = _WORD.findall(text.lower())
    return sum(w in POSITIVE_WORDS for w in words) - sum(w in NEGATIVE_WORDS for w in words)
