"""Settings come in groups that together are every setting, each setting in one group, and
`.env.example` names every one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from config import Settings
from config.settings import (
    BridgeSettings,
    CacheSettings,
    GenerationSettings,
    KafkaSettings,
    LLMSettings,
    ObservabilitySettings,
    RAGSettings,
)

GROUPS = (
    ObservabilitySettings,
    KafkaSettings,
    GenerationSettings,
    BridgeSettings,
    CacheSettings,
    RAGSettings,
    LLMSettings,
)
ENV_EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


def test_each_setting_belongs_to_exactly_one_group() -> None:
    names = [name for group in GROUPS for name in group.model_fields]

    assert len(names) == len(set(names))
    assert set(names) == set(Settings.model_fields)


def test_a_group_carries_its_own_settings_only() -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, chunk_records=7, request_topic="t.req", openai_api_key=SecretStr("k")
    )

    assert settings.generation == GenerationSettings(chunk_records=7)
    assert settings.kafka.request_topic == "t.req"
    assert settings.llm.openai_api_key == SecretStr("k")
    assert not hasattr(settings.kafka, "chunk_records")


def test_the_env_example_names_every_setting() -> None:
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", ENV_EXAMPLE.read_text(), re.MULTILINE))

    assert {name.upper() for name in Settings.model_fields} <= listed


def test_a_breaker_cool_down_that_cannot_grow_is_refused_naming_both_settings() -> None:
    with pytest.raises(ValidationError, match=r"llm_breaker_max_open_s \(10\) is below"):
        LLMSettings(llm_breaker_open_s=15, llm_breaker_max_open_s=10)
