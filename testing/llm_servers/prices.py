"""Published token prices, for what a benchmark run would cost (US dollars per million tokens).

Anthropic, Claude Sonnet 4 (`claude-sonnet-4-20250514`): docs.anthropic.com/en/docs/about-claude/
pricing, read 2026-12-02 (table as published since the model's release, May 2025): base input
$3, 5-minute cache writes $3.75 (1.25x base), cache hits and refreshes $0.30 (0.1x), output $15.

OpenAI, gpt-4o: platform.openai.com/docs/pricing, read 2026-12-02: input $2.50, cached input
$1.25, output $10. Its cached-input discount is 50%; newer models give more (gpt-4.1 75%, the
gpt-5 family 90%). We take gpt-4o's 50%: the smallest published discount, so what a benchmark
says caching saves on an OpenAI-compatible endpoint is a floor, not a best case. OpenAI charges
nothing extra for writing its cache, so a cache write costs the base input price.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TokenPrices:
    """US dollars per million tokens of each kind."""

    input: float
    cache_write: float
    cache_read: float
    output: float


CLAUDE_SONNET_4_PRICES = TokenPrices(input=3.00, cache_write=3.75, cache_read=0.30, output=15.00)
GPT_4O_PRICES = TokenPrices(input=2.50, cache_write=2.50, cache_read=1.25, output=10.00)
OPENAI_CACHED_INPUT_DISCOUNT = 1 - GPT_4O_PRICES.cache_read / GPT_4O_PRICES.input
