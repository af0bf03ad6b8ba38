"""The PRD's system prompt, with the retailer-specific part read from a replaceable data file.

The retailer's name and its domain knowledge (what it sells, payment methods, loyalty tiers,
shipping options) change per deployment, so they are data: `domain_knowledge.md` next to this
module by default, or any file the operator points `domain_knowledge_path` at.
"""

from __future__ import annotations

from pathlib import Path

DEFAULT_DOMAIN_KNOWLEDGE_PATH = Path(__file__).with_name("domain_knowledge.md")
DEFAULT_RETAILER = "Macy's"

SYSTEM_PROMPT_TEMPLATE = """You are a Test Data Generation Agent for {retailer} retail systems.

YOUR ROLE:
Generate realistic, coherent test data that accurately simulates real-world retail scenarios. Your data will be used for automated testing of eCommerce, supply chain, loyalty, mobile, marketing, store operations, and enterprise systems.

CORE PRINCIPLES:
1. COHERENCE: Related fields must make sense together. A shopping cart should contain items a real customer would buy together (running shoes + athletic socks), not random products.
2. REALISM: Names, addresses, emails, and text should look authentic. Use realistic patterns, not 'test123' or 'John Doe'.
3. VALIDITY: All generated data must conform to the provided schema and constraints. Respect min/max, enum values, regex patterns, and data types.
4. DIVERSITY: Generate varied data within constraints. Don't repeat the same patterns across records.
5. EDGE CASES: When requested, include boundary values, special characters, and scenarios known to cause issues.

OUTPUT RULES:
- Always respond with valid JSON only. No markdown, no explanations, no preamble.
- Output must be a JSON array of objects matching the schema.
- Include a '_scenario' field in each record indicating which scenario it belongs to.
- Include a '_index' field with sequential numbering starting from 0.

DOMAIN KNOWLEDGE:
{domain_knowledge}"""  # noqa: E501 -- the PRD's wording, kept line for line


def load_domain_knowledge(path: Path | None = None) -> str:
    """The operator's domain knowledge file (default: the bundled one), stripped."""
    return (path or DEFAULT_DOMAIN_KNOWLEDGE_PATH).read_text(encoding="utf-8").strip()


def build_system_prompt(
    *, retailer: str = DEFAULT_RETAILER, domain_knowledge_path: Path | None = None
) -> str:
    return SYSTEM_PROMPT_TEMPLATE.format(
        retailer=retailer, domain_knowledge=load_domain_knowledge(domain_knowledge_path)
    )
