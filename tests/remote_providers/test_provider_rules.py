"""Together's and Fireworks' own data rules, as checks in plain words."""

from __future__ import annotations

from desktop_app.core.analysis import Analyzer
from desktop_app.core.checks.provider_rules import (
    FIREWORKS_NO_PAIRS,
    FIREWORKS_TOO_FEW,
    TOGETHER_IMAGES,
    TOGETHER_PAIR,
    TOGETHER_TURNS,
    provider_problems,
)
from desktop_app.core.jsonline import parse_line
from desktop_app.core.problems import Severity


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


def test_fireworks_needs_three_examples_and_chat_data() -> None:
    chat = {"messages": [u("Hi"), a("Hello")]}
    pair = {
        "input": {"messages": [u("Hi")]},
        "preferred_output": [a("A")],
        "non_preferred_output": [a("B")],
    }
    too_few = provider_problems("fireworks", [chat, None, chat])
    assert [(p.code, p.line, p.severity) for p in too_few] == [
        (FIREWORKS_TOO_FEW, None, Severity.ERROR)
    ]
    assert too_few[0].message == "The file has only 2 examples; Fireworks needs at least 3."
    assert provider_problems("fireworks", [chat, chat, chat]) == []
    assert provider_problems("fireworks", [pair, pair, pair])[0].code == FIREWORKS_NO_PAIRS


def test_rules_read_the_analyzers_summaries_too() -> None:
    raws = [
        b'{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Yo"}]}',
        b"",
        b"{broken",
    ]
    summaries = [Analyzer().record(raw, i + 1) for i, raw in enumerate(raws)]
    assert [p.code for p in provider_problems("fireworks", summaries)] == [FIREWORKS_TOO_FEW]
    assert provider_problems("together", summaries) == []  # summaries carry no messages
    assert provider_problems("openai", [parse_line(r).value for r in raws]) == []


def test_provider_rules_have_their_own_codes_and_plain_meanings() -> None:
    from desktop_app.core.checks.base import REGISTRY
    from desktop_app.core.checks.provider_rules import RULES

    assert len(RULES) == 6 and not set(RULES) & set(REGISTRY)
    assert all(rule.meaning.endswith(".") and rule.family == "provider" for rule in RULES.values())
