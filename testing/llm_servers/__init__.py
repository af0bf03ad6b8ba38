"""Local HTTP servers that speak the Anthropic Messages API and OpenAI Chat Completions API,
for tests and the bench: the real SDKs point at them by base URL.

Each server answers from a script (`ScriptedReply`s, or functions of the request body that
return one), then from a default: `synthesize_reply` (a schema-valid answer), or a model with a
flaw (`mislabelling_reply`, `gullible_reply`). Tokens are whitespace-separated words: input =
tools or schema, system prompt and messages; output = the JSON or text returned. The servers
cache prompt prefixes by each provider's rules (`prompt_cache`), cut answers at `max_tokens` as
each API does, and can fail like the real ones (errors with `retry-after`, hangs, stalled
bodies). Sums of the usage they reported are kept, so tests can compare them with what the
client recorded; `prices` has the published prices to turn tokens into dollars.
"""

from testing.llm_servers.prices import (
    CLAUDE_SONNET_4_PRICES,
    GPT_4O_PRICES,
    OPENAI_CACHED_INPUT_DISCOUNT,
    TokenPrices,
)
from testing.llm_servers.replies import (
    INJECTED_RECORDS,
    INJECTED_VALUES,
    Reply,
    Script,
    ScriptedReply,
    gullible_reply,
    mislabelling_reply,
    request_prompt,
    request_schema,
    synthesize_reply,
)
from testing.llm_servers.server import StubLLMServer
from testing.llm_servers.tokens import count_words
from testing.llm_servers.wire import Protocol

__all__ = [
    "CLAUDE_SONNET_4_PRICES",
    "GPT_4O_PRICES",
    "INJECTED_RECORDS",
    "INJECTED_VALUES",
    "OPENAI_CACHED_INPUT_DISCOUNT",
    "Protocol",
    "Reply",
    "Script",
    "ScriptedReply",
    "StubLLMServer",
    "TokenPrices",
    "count_words",
    "gullible_reply",
    "mislabelling_reply",
    "request_prompt",
    "request_schema",
    "synthesize_reply",
]
