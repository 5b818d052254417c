"""Together's and Fireworks' rules at their edges, found unguarded by mutation testing.

Each test failed against a mutant of desktop_app/core/checks/provider_rules.py that the older
tests let through (docs/architecture.md, "Tests that notice bugs"): a rule applied one example too early or too late,
a finding that no longer points at its message or field, a crash on a half-written example, a
size in the wrong unit.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from desktop_app.core.checks import provider_rules as pr
from desktop_app.core.checks.provider_rules import (
    FILE_OVER_LIMIT,
    FIREWORKS_NO_PAIRS,
    FIREWORKS_TOO_MANY,
    RULES,
    TOGETHER_IMAGES,
    TOGETHER_PAIR,
    TOGETHER_TURNS,
    dataset_rules,
    provider_problems,
)
from desktop_app.core.dataset.jsonline import RecordKind
from desktop_app.core.models.catalog import ProviderFacts, load_models
from desktop_app.core.problems import Severity

S = {"role": "system", "content": "Be brief."}
U = {"role": "user", "content": "Hi"}
A = {"role": "assistant", "content": "Hello"}
CHAT = {"messages": [U, A]}
PAIR = {"input": {"messages": [U]}, "preferred_output": [A], "non_preferred_output": [A]}


def together(*values: Any) -> list[tuple[str, int | None, int | None, str | None]]:
    return [
        (p.code, p.line, p.message_index, p.field) for p in provider_problems("together", values)
    ]


# ---- Together: turns ----------------------------------------------------------------------------
def test_two_system_messages_may_open_the_conversation_but_not_repeat_later() -> None:
    assert together({"messages": [S, S, U, A]}) == []
    assert together({"messages": [U, S, S, A]}) == [(TOGETHER_TURNS, 1, 2, "role")]
    assert together({"messages": [U, A, A]}) == [(TOGETHER_TURNS, 1, 2, "role")]


def test_a_conversation_with_an_unreadable_message_is_left_to_the_common_checks() -> None:
    assert together({"messages": ["Hi", U, U]}) == []
    assert together({"messages": [{"role": 5}, {"role": 5}, U, U]}) == []
    assert together({"messages": [{"role": "", "content": "Hi"}, A]}) == []  # no message before it


# ---- Together: pictures -------------------------------------------------------------------------
def _picture(url: Any) -> dict[str, Any]:
    return {"type": "image_url", "image_url": url}


def test_picture_findings_point_at_the_message_and_its_content() -> None:
    linked = {"role": "user", "content": [_picture({"url": "https://example.com/cat.png"})]}
    drawn = {"role": "assistant", "content": [_picture({"url": "data:image/png;base64,iVBO"})]}
    found = provider_problems("together", [{"messages": [U, A, linked, drawn]}])
    assert [(p.code, p.message_index, p.field) for p in found] == [
        (TOGETHER_IMAGES, 2, "content"),
        (TOGETHER_IMAGES, 3, "content"),
    ]
    assert found[0].message == (
        "Message 3 links to a picture; Together needs the picture embedded in the file "
        "(JPEG, PNG or WEBP as a data: URL)."
    )


def test_a_picture_given_as_bare_text_is_a_link() -> None:
    bare = {"role": "user", "content": [_picture("https://example.com/cat.png")]}
    assert together({"messages": [bare, A]}) == [(TOGETHER_IMAGES, 1, 0, "content")]


# ---- Together: preference pairs -----------------------------------------------------------------
def test_each_side_of_a_pair_is_named_and_pointed_at() -> None:
    value = {**PAIR, "preferred_output": [A, A], "non_preferred_output": []}
    found = provider_problems("together", [value])
    assert [(p.field, p.message) for p in found] == [
        ("preferred_output", "The preferred side has 2 replies; Together needs exactly one."),
        (
            "non_preferred_output",
            "The non-preferred side has 0 replies; Together needs exactly one.",
        ),
    ]


def test_a_pair_whose_input_ends_with_the_assistant_points_at_the_input() -> None:
    found = provider_problems("together", [{**PAIR, "input": {"messages": [U, A]}}])
    assert [(p.code, p.field, p.message) for p in found] == [
        (
            TOGETHER_PAIR,
            "input.messages",
            "The conversation before the two replies ends with an assistant message; Together "
            "needs it to end with the user's message.",
        )
    ]


@pytest.mark.parametrize("given", ["not an object", {"messages": []}, {"messages": "Hi"}])
def test_a_pair_with_a_broken_input_is_left_to_the_common_checks(given: Any) -> None:
    assert together({**PAIR, "input": given}) == []


# ---- Fireworks ----------------------------------------------------------------------------------
def _codes(values: list[Any]) -> list[str]:
    return [p.code for p in provider_problems("fireworks", values)]


def test_fireworks_refuses_a_file_of_mostly_pairs_not_one_with_a_few() -> None:
    assert _codes([PAIR, CHAT, CHAT]) == []
    assert _codes([PAIR, CHAT]) == [FIREWORKS_NO_PAIRS]
    assert _codes([PAIR, PAIR, PAIR, CHAT, CHAT]) == [FIREWORKS_NO_PAIRS]
    assert _codes([None, None]) == []


def test_the_pairs_finding_counts_them_in_words() -> None:
    one, many = (
        provider_problems("fireworks", [PAIR]),
        provider_problems("fireworks", [PAIR] * 1200),
    )
    tail = "; Finetune Studio trains on Fireworks with chat examples only."
    assert one[0].message == "The file holds 1 preference pair" + tail
    assert many[0].message == "The file holds 1,200 preference pairs" + tail
    assert (one[0].line, one[0].severity, one[0].hint) == (
        None,
        Severity.ERROR,
        RULES[FIREWORKS_NO_PAIRS].hint,
    )


@dataclasses.dataclass(frozen=True)
class _Summary:
    kind: RecordKind


def test_fireworks_takes_three_million_examples_and_not_one_more() -> None:
    chat = _Summary(RecordKind.CHAT)
    assert _codes([chat] * pr.FIREWORKS_MAX_EXAMPLES) == []
    found = provider_problems("fireworks", [chat] * (pr.FIREWORKS_MAX_EXAMPLES + 1))
    assert [(p.code, p.message) for p in found] == [
        (FIREWORKS_TOO_MANY, "The file has 3,000,001 examples; Fireworks takes at most 3,000,000.")
    ]


def test_rules_of_the_file_come_on_top_of_the_rules_of_each_line() -> None:
    facts = load_models().provider("together")
    assert together({"messages": [U, U]}) == [(TOGETHER_TURNS, 1, 1, "role")]
    assert [p.code for p in provider_problems("together", [{"messages": [U, U]}], facts)] == [
        TOGETHER_TURNS
    ]
    fireworks = load_models().provider("fireworks")
    assert [p.code for p in provider_problems("fireworks", [PAIR], fireworks)] == [
        FIREWORKS_NO_PAIRS
    ]


# ---- file size ----------------------------------------------------------------------------------
MB, GB = 1024**2, 1024**3


@pytest.fixture
def small_limit() -> ProviderFacts:
    facts = load_models().provider("fireworks")
    return dataclasses.replace(facts, max_file_bytes=150 * MB, upload_part_bytes=None)


@pytest.mark.parametrize(
    ("size", "said"),
    [(1000 * MB, "1,000 MB"), (GB, "1.0 GB"), (5 * GB // 2, "2.5 GB"), (100 * GB, "100.0 GB")],
)
def test_a_file_over_the_limit_says_its_size_in_mb_or_gb(
    small_limit: ProviderFacts, size: int, said: str
) -> None:
    found = dataset_rules("together", [CHAT], small_limit, size)
    assert [(p.code, p.message) for p in found] == [
        (FILE_OVER_LIMIT, f"The file is {said}; Fireworks AI takes at most 150 MB in one upload.")
    ]
    assert found[0].hint == RULES[FILE_OVER_LIMIT].hint


def test_a_file_exactly_at_the_limit_is_taken(small_limit: ProviderFacts) -> None:
    assert dataset_rules("together", [CHAT], small_limit, 150 * MB) == []


# ---- the rule table -----------------------------------------------------------------------------
def test_a_rule_code_cannot_be_registered_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pr, "RULES", dict(RULES))
    code = pr.rule("example_rule", Severity.WARNING, "A meaning.", "A hint.", family="provider")
    assert pr.RULES[code] == pr.Rule(
        "example_rule", Severity.WARNING, "A meaning.", "A hint.", "provider"
    )
    assert pr.rule("plain_rule", Severity.INFO, "Meaning.", family="provider") == "plain_rule"
    assert pr.RULES["plain_rule"].hint == ""
    with pytest.raises(ValueError, match="provider rule 'example_rule' is registered twice"):
        pr.rule("example_rule", Severity.ERROR, "Other.", family="provider")
