"""Edge clients for the LLM path: Anthropic and OpenAI-compatible backends implementing
`generators.llm.LLMBackend`, and local servers speaking those APIs for tests and the bench."""

from clients._common import CallLimits
from clients.anthropic_backend import DEFAULT_CLAUDE_MODEL, AnthropicBackend
from clients.openai_backend import DEFAULT_VLLM_MODEL, OpenAICompatibleBackend
from clients.redis_pool import RedisDataPoolStore

__all__ = [
    "DEFAULT_CLAUDE_MODEL",
    "DEFAULT_VLLM_MODEL",
    "AnthropicBackend",
    "CallLimits",
    "OpenAICompatibleBackend",
    "RedisDataPoolStore",
]
