"""Nebius's own rule (the last message is the assistant's), roles a provider does not list, and
preference pairs where the app trains chat examples only — from each provider's facts."""

from __future__ import annotations

from desktop_app.core.analysis.analyzer import Analyzer
from desktop_app.core.checks import check_value
from desktop_app.core.checks.dataset_level import dataset_problems
from desktop_app.core.checks.provider_rules import (
    NEBIUS_LAST,
    NO_PAIRS,
    ROLE_NOT_LISTED,
    provider_problems,
)
from desktop_app.core.models.catalog import load_models
from desktop_app.core.problems import Severity


def u(text: str) -> dict[str, object]:
    return {"role": "user", "content": text}


def a(text: str) -> dict[str, object]:
    return {"role": "assistant", "content": text}


PAIR = {
    "input": {"messages": [u("Tone?")]},
    "preferred_output": [a("Warm.")],
    "non_preferred_output": [a("Cold.")],
}


def test_nebius_wants_every_conversation_to_end_with_the_assistant() -> None:
    values = [
        {"messages": [u("Hi"), a("Hello")]},
        {"messages": [u("Hi"), a("Hello"), u("And then?")]},
    ]
    found = provider_problems("nebius", values)
    assert [(p.code, p.line, p.message_index) for p in found] == [(NEBIUS_LAST, 2, 2)]
    assert found[0].severity is Severity.ERROR
    assert "end with the assistant's reply" in found[0].message
    # the same data is fine for OpenAI and Together (a last user turn is only untrained there)
    assert NEBIUS_LAST not in {p.code for p in check_value(values[1], 2, "openai")}
    assert NEBIUS_LAST in {p.code for p in check_value(values[1], 2, "nebius")}


def test_the_analyzer_adds_nebius_rules_when_nebius_is_chosen() -> None:
    raw = b'{"messages": [{"role": "user", "content": "Hi"}]}'
    assert NEBIUS_LAST in {p.code for p in Analyzer(provider="nebius").record(raw, 1).problems}
    assert NEBIUS_LAST not in {
        p.code for p in Analyzer(provider="compatible").record(raw, 1).problems
    }


def test_a_role_the_provider_does_not_list_is_a_warning() -> None:
    value = {"messages": [{"role": "developer", "content": "Be brief."}, u("Hi"), a("Hello")]}
    fireworks = [p for p in check_value(value, 1, "fireworks") if p.code == ROLE_NOT_LISTED]
    assert len(fireworks) == 1 and fireworks[0].severity is Severity.WARNING
    assert fireworks[0].message_index == 0 and "“developer”" in fireworks[0].message
    assert ROLE_NOT_LISTED not in {p.code for p in check_value(value, 1, "openai")}
    assert ROLE_NOT_LISTED in {p.code for p in check_value(value, 1, "nebius")}


def test_preference_pairs_are_refused_where_the_app_trains_chats_only() -> None:
    catalog = load_models()
    assert not catalog.provider("nebius").preference_training
    pairs = [PAIR] * 60
    found = provider_problems("nebius", pairs, catalog.provider("nebius"))
    assert [p.code for p in found] == [NO_PAIRS]
    assert "Nebius Token Factory" in found[0].message
    assert provider_problems("together", pairs, catalog.provider("together")) == []


def test_nebius_has_facts_and_a_catalogue() -> None:
    catalog = load_models()
    facts = catalog.provider("nebius")
    assert facts.last_message == "assistant" and facts.min_examples == 1
    assert facts.checked is not None and facts.checked.isoformat() == "2026-12-07"
    ids = [m.id for m in catalog.models_for("nebius")]
    assert "meta-llama/Meta-Llama-3.1-8B-Instruct" in ids
    raws = [
        f'{{"messages": [{{"role": "user", "content": "Q{i}"}}, {{"role": "assistant", "content": "A{i}"}}]}}'.encode()
        for i in range(60)
    ]
    summaries = [Analyzer(provider="nebius").record(raw, i + 1) for i, raw in enumerate(raws)]
    found = dataset_problems(summaries, provider="nebius", model=ids[0], catalog=catalog)
    assert [p for p in found if p.severity is Severity.ERROR] == []
