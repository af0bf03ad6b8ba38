"""Prompt text: the PRD's system prompt and templates. Retailer knowledge is a data file."""

from generators.prompts.system import (
    DEFAULT_DOMAIN_KNOWLEDGE_PATH,
    build_system_prompt,
    load_domain_knowledge,
)
from generators.prompts.templates import TEMPLATE_TAGS, TEMPLATES, TemplateKind

__all__ = [
    "DEFAULT_DOMAIN_KNOWLEDGE_PATH",
    "TEMPLATES",
    "TEMPLATE_TAGS",
    "TemplateKind",
    "build_system_prompt",
    "load_domain_knowledge",
]
