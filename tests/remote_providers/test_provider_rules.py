"""Together's and Fireworks' own data rules, as checks in plain words."""

from __future__ import annotations

import json

import pytest

from desktop_app.core.analysis.analyzer import Analyzer
from desktop_app.core.checks import check_line, check_value
from desktop_app.core.checks.dataset_level import TOO_FEW_EXAMPLES, dataset_problems
from desktop_app.core.checks.provider_rules import (
    FILE_OVER_LIMIT,
    FIREWORKS_NO_PAIRS,
    PROVIDERS,
    TOGETHER_IMAGES,
    TOGETHER_PAIR,
    TOGETHER_TURNS,
    provider_problems,
)
from desktop_app.core.dataset.jsonline import parse_line
from desktop_app.core.models.catalog import load_models
from desktop_app.core.problems import Severity
from desktop_app.core.providers.registry import provider_kinds


def u(text: str) -> dict[str, object]:
    return {"role": "user", "content": text}


def a(text: str) -> dict[str, object]:
    return {"role": "assistant", "content": text}


def test_together_wants_alternating_turns() -> None:
    values = [
        {"messages": [{"role": "system", "content": "Be kind."}, u("Hi"), a("Hello")]},
        {"messages": [u("One"), u("Two"), a("Both")]},
        None,  # a blank or broken line: its own checks report it
        {
            "messages": [
                u("Weather?"),
                {"role": "assistant", "tool_calls": []},
                {"role": "tool", "content": "1"},
                {"role": "tool", "content": "2"},
                a("Done"),
            ]
        },
    ]
    found = provider_problems("together", values)
    assert [(p.code, p.line, p.message_index) for p in found] == [
        (TOGETHER_TURNS, 2, 1),
        (TOGETHER_TURNS, 4, 3),
    ]
    assert found[0].severity is Severity.ERROR
    assert (
        found[0].message
        == "Message 2 has the role “user” like the message before it; Together needs the turns to alternate."
    )
    assert "join them into one tool message" in found[0].hint


def test_together_wants_pictures_embedded_in_user_messages() -> None:
    link = {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}
    embedded = {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}
    values = [
        {
            "messages": [
                {"role": "user", "content": [{"type": "text", "text": "What is it?"}, link]},
                a("A cat."),
            ]
        },
        {"messages": [{"role": "user", "content": [embedded]}, a("A cat.")]},
        {"messages": [u("Draw"), {"role": "assistant", "content": [embedded]}]},
    ]
    found = provider_problems("together", values)
    assert [(p.code, p.line) for p in found] == [(TOGETHER_IMAGES, 1), (TOGETHER_IMAGES, 3)]
    assert "links to a picture" in found[0].message and "only in user messages" in found[1].message


def test_together_preference_pairs_have_one_reply_each_after_the_user() -> None:
    good = {
        "input": {"messages": [u("Hi")]},
        "preferred_output": [a("Hello!")],
        "non_preferred_output": [a("What.")],
    }
    two = {**good, "preferred_output": [a("A"), a("B")]}
    ends = {**good, "input": {"messages": [u("Hi"), a("Hello")]}}
    found = provider_problems("together", [good, two, ends])
    assert [(p.code, p.line) for p in found] == [(TOGETHER_PAIR, 2), (TOGETHER_PAIR, 3)]
    assert (
        "has 2 replies" in found[0].message and "ends with an assistant message" in found[1].message
    )


CHAT = {"messages": [u("Hi"), a("Hello")]}
PAIR = {
    "input": {"messages": [u("Hi")]},
    "preferred_output": [a("A")],
    "non_preferred_output": [a("B")],
}


def chats(count: int) -> list[object]:
    return [{"messages": [u(f"Question {i}"), a(f"Answer {i}")]} for i in range(count)]


def summaries_of(values: list[object], provider: str = "openai") -> list[object]:
    analyzer = Analyzer(provider=provider)
    return [analyzer.record(json.dumps(v).encode(), i + 1) for i, v in enumerate(values)]


def test_fireworks_needs_three_examples_from_its_facts() -> None:
    too_few = dataset_problems(summaries_of([chats(2)[0], None, chats(2)[1]]), provider="fireworks")
    assert [(p.code, p.line, p.severity) for p in too_few] == [
        (TOO_FEW_EXAMPLES, None, Severity.ERROR)
    ]
    assert too_few[0].message == (
        "The file has only 2 examples that can be trained on; Fireworks AI needs at least 3."
    )
    three = summaries_of(chats(3))
    assert [p.code for p in dataset_problems(three, provider="fireworks")] == ["few_examples"]
    # the same three examples are too few for OpenAI (10), enough for Together (1)
    assert TOO_FEW_EXAMPLES in {p.code for p in dataset_problems(three, provider="openai")}
    assert TOO_FEW_EXAMPLES not in {p.code for p in dataset_problems(three, provider="together")}


def test_fireworks_trains_chat_examples_only() -> None:
    pairs = summaries_of([PAIR, {**PAIR, "preferred_output": [a("C")]}])
    found = dataset_problems(pairs, provider="fireworks")
    assert FIREWORKS_NO_PAIRS in {p.code for p in found}
    assert FIREWORKS_NO_PAIRS not in {p.code for p in dataset_problems(pairs, provider="together")}
    assert provider_problems("fireworks", [PAIR, PAIR, PAIR])[0].code == FIREWORKS_NO_PAIRS
    assert provider_problems("fireworks", [CHAT, CHAT, CHAT]) == []


def test_a_file_too_big_for_one_upload_is_an_error_only_where_there_are_no_parts() -> None:
    three = summaries_of(chats(3))
    size = 200 * 1024 * 1024
    fireworks = dataset_problems(three, provider="fireworks", file_bytes=size)
    assert [(p.code, p.severity) for p in fireworks if p.code == FILE_OVER_LIMIT] == [
        (FILE_OVER_LIMIT, Severity.ERROR)
    ]
    over = next(p for p in fireworks if p.code == FILE_OVER_LIMIT)
    assert over.message == "The file is 200 MB; Fireworks AI takes at most 150 MB in one upload."
    assert FILE_OVER_LIMIT not in {
        p.code for p in dataset_problems(three, provider="together", file_bytes=size)
    }
    openai = dataset_problems(three, provider="openai", file_bytes=600 * 1024 * 1024)
    assert "file_too_large" in {p.code for p in openai}  # sent in parts: a note, not an error
    assert FILE_OVER_LIMIT not in {p.code for p in openai}


def test_the_analyzer_adds_togethers_rules_only_when_together_is_chosen() -> None:
    # a plain example (the analyzer's fast path) and one with a tool call (the full checks)
    plain = {"messages": [u("One"), u("Two"), a("Both")]}
    tools = {
        "messages": [
            u("Weather?"),
            {"role": "assistant", "tool_calls": [_call()]},
            {"role": "tool", "tool_call_id": "c1", "content": "1"},
            {"role": "tool", "tool_call_id": "c1", "content": "2"},
            a("Sunny"),
        ]
    }
    for value, index in ((plain, 1), (tools, 3)):
        together = summaries_of([value], "together")[0].problems
        assert [(p.code, p.message_index) for p in together if p.code == TOGETHER_TURNS] == [
            (TOGETHER_TURNS, index)
        ]
        assert TOGETHER_TURNS not in {p.code for p in summaries_of([value])[0].problems}
        raw = json.dumps(value).encode()
        assert TOGETHER_TURNS in {p.code for p in check_line(raw, parse_line(raw), 1, "together")}
        assert TOGETHER_TURNS in {p.code for p in check_value(value, 1, "together")}
        assert TOGETHER_TURNS not in {p.code for p in check_value(value, 1, "fireworks")}


def _call() -> dict[str, object]:
    return {"id": "c1", "type": "function", "function": {"name": "weather", "arguments": "{}"}}


def test_every_provider_the_app_offers_has_checks_and_facts() -> None:
    catalog = load_models()
    assert set(PROVIDERS) == set(provider_kinds())
    for kind in PROVIDERS:
        assert dataset_problems(summaries_of(chats(60)), provider=kind, catalog=catalog) == []
    with pytest.raises(ValueError, match="no checks for the provider"):
        check_value(CHAT, 1, "nobody")


def test_rules_read_the_analyzers_summaries_too() -> None:
    raws = [
        b'{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Yo"}]}',
        b"",
        b"{broken",
    ]
    summaries = [Analyzer().record(raw, i + 1) for i, raw in enumerate(raws)]
    facts = load_models().provider("fireworks")
    assert provider_problems("fireworks", summaries, facts) == []  # counts: dataset_problems
    assert provider_problems("together", summaries) == []  # summaries carry no messages
    assert provider_problems("openai", [parse_line(r).value for r in raws]) == []


def test_provider_rules_have_their_own_codes_and_plain_meanings() -> None:
    from desktop_app.core.checks.base import REGISTRY
    from desktop_app.core.checks.provider_rules import RULES

    assert len(RULES) == 9 and not set(RULES) & set(REGISTRY)
    assert all(rule.meaning.endswith(".") and rule.family == "provider" for rule in RULES.values())


def test_the_checks_reference_lists_every_provider_rule_as_registered() -> None:
    from pathlib import Path

    from desktop_app.core.checks.provider_rules import RULES

    root = Path(__file__).resolve().parents[2]
    text = "\n".join(
        path.read_text(encoding="utf-8")
        for path in [root / "README.md", *sorted((root / "docs").glob("*.md"))]
    )
    for rule in RULES.values():
        assert f"| `{rule.code}` | {rule.severity} | {rule.meaning} |" in text, rule.code
