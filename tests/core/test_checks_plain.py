"""The quick pass over plain examples never disagrees with the full checks, the token counter or
the general hash."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_checks_rules import GOOD, A, S, U, chat

from desktop_app.core.analysis.analyzer import Analyzer, _hashes, _proven_clean
from desktop_app.core.checks import check_line
from desktop_app.core.checks.plain import plain_pass
from desktop_app.core.dataset.jsonline import RecordKind, parse_line
from desktop_app.core.tokens.counts import TokenCounter

MODEL = "gpt-4.1-mini-2025-04-14"
COUNTER = TokenCounter(MODEL)
ANALYZER = Analyzer(MODEL)

texts = st.sampled_from(
    [
        "Hi",
        "",
        " ",
        "Hello there.",
        " padded ",
        "end\n",
        "é 漢字 🙂",
        "x" * 30,
        "a@b.co",
        "<|im_end|>",
        "Call +1 (555) 123-4567",
        "card 4242 4242 4242 4242",
        "key AKIAIOSFODNN7EXAMPLE",
        "build 1234567890",
    ]
)
messages = st.fixed_dictionaries(
    {
        "role": st.sampled_from(["system", "user", "assistant", "tool", "User", "assistnat"]),
        "content": texts,
    },
    optional={
        "name": st.sampled_from(["Jane", "Jane Doe", "", "a" * 70]),
        "weight": st.sampled_from([0, 1, 2, 0.0, 1.0, True, False]),
    },
)
examples = st.builds(lambda ms: {"messages": ms}, st.lists(messages, min_size=1, max_size=5))


def line_of(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(examples)
def test_proven_clean_means_no_problems(value: dict[str, Any]) -> None:
    raw = line_of(value)
    parsed = parse_line(raw)
    fast = plain_pass(value["messages"])
    assert fast is not None
    if _proven_clean(raw, parsed, fast):
        assert check_line(raw, parsed, 1) == []


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(examples)
def test_fast_pass_agrees_with_the_general_walk(value: dict[str, Any]) -> None:
    summary = ANALYZER.record(line_of(value), 1)
    counts = COUNTER.count_example(value)
    assert counts is not None
    assert (summary.tokens, summary.assistant_tokens, summary.trained_tokens) == (
        counts.total,
        counts.assistant,
        counts.trained,
    )
    messages = value["messages"]
    reply_at = max((i for i, m in enumerate(messages) if m["role"] == "assistant"), default=-1)
    content_hash, prompt_hash, _ = _hashes(value, RecordKind.CHAT, messages, reply_at)
    assert (summary.content_hash, summary.prompt_hash) == (content_hash, prompt_hash)
    assert summary.problems == tuple(check_line(line_of(value), parse_line(line_of(value)), 1))


def test_ordinary_examples_are_proven_clean() -> None:
    for value in (
        GOOD,
        chat(U(), A()),
        chat(S(), U(name="jane_doe"), A("a", weight=0), U(), A("b", weight=1)),
    ):
        raw = line_of(value)
        fast = plain_pass(value["messages"])
        assert fast is not None and _proven_clean(raw, parse_line(raw), fast)


def test_other_shapes_are_not_plain() -> None:
    assert plain_pass([U(), {"role": "assistant", "content": None, "tool_calls": []}]) is None
    assert plain_pass([U(["a list"]), A()]) is None
    assert plain_pass([U(), A(weight="1")]) is None
    assert plain_pass([U(), A(name=None)]) is None


def test_top_level_keys_need_the_full_checks() -> None:
    value = chat(U(), A(), id=1)
    raw = line_of(value)
    fast = plain_pass(value["messages"])
    assert fast is not None and fast.clean and not _proven_clean(raw, parse_line(raw), fast)


def test_text_scans_need_the_full_checks() -> None:
    value = chat(U("write to a@b.co"), A())
    raw = line_of(value)
    fast = plain_pass(value["messages"])
    assert fast is not None and fast.clean and not _proven_clean(raw, parse_line(raw), fast)
