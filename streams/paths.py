"""The generation paths a worker serves, built once from settings (the LLM clients live here,
at the edge; the pure core only sees the `LLMBackend` interface)."""

from __future__ import annotations

from clients import AnthropicBackend, CallLimits, OpenAICompatibleBackend
from config import Settings
from generators import GenerationPath, Generator, TraditionalGenerator
from generators.llm import LLMBackend, LLMGenerator, LLMOptions
from generators.prompts import build_system_prompt


def llm_backends(settings: Settings) -> list[LLMBackend]:
    """Claude first, then the OpenAI-compatible endpoint (vLLM), unless local comes first."""
    limits = CallLimits(
        max_tokens=settings.claude_max_tokens,
        temperature=settings.claude_temperature,
        timeout_s=settings.llm_timeout_s,
        max_retries=settings.llm_max_retries,
        total_timeout_s=settings.llm_total_timeout_s,
    )
    claude = AnthropicBackend(
        api_key=settings.anthropic_api_key,
        base_url=settings.anthropic_base_url,
        model=settings.claude_model,
        limits=limits,
    )
    local = OpenAICompatibleBackend(
        api_key=settings.openai_api_key,
        base_url=settings.vllm_base_url,
        model=settings.vllm_model,
        limits=limits,
    )
    return [local, claude] if settings.use_local_llm else [claude, local]


def build_generators(settings: Settings) -> dict[GenerationPath, Generator]:
    traditional = TraditionalGenerator()
    llm = LLMGenerator(
        llm_backends(settings),
        traditional,
        options=LLMOptions(
            max_attempts=settings.llm_max_attempts, max_in_flight=settings.llm_max_in_flight
        ),
        system_prompt=build_system_prompt(
            retailer=settings.retailer_name, domain_knowledge_path=settings.domain_knowledge_path
        ),
    )
    return {GenerationPath.TRADITIONAL: traditional, GenerationPath.LLM: llm}
