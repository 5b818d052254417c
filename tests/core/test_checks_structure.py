"""Line shape: broken lines explained, pieces of multi-line examples, old formats, key order kept."""

from __future__ import annotations

import json

from test_checks_rules import GOOD, A, U, chat, problems_of

from desktop_app.core.checks import check_value
from desktop_app.core.checks.base import CLOSED_GATE, OPEN_GATE, TextGate


def codes(item: object) -> list[str]:
    return [p.code for p in problems_of(item)]


def test_a_message_on_its_own_line_shows_its_role_typo() -> None:
    # EWHA-Inkspire line 147: one message of a pretty-printed example, ending with a comma
    raw = '\t{"role":"assistnat","content":"Narrator:\\n당신은 제안을 준비합니다."},'.encode()
    problems = problems_of(raw)
    assert [p.code for p in problems] == ["split_example", "unknown_role"]
    assert "Did you mean “assistant”?" in problems[1].message
    assert problems[1].fix is None  # the line must be rejoined in the raw editor first


def test_bare_message_object_is_a_split_example() -> None:
    assert codes(U()) == ["split_example"]


def test_closing_brackets_and_opening_lines_are_pieces() -> None:
    for raw in (
        b"]}",
        b"  ]",
        b"}",
        b'{"messages":[',
        b'{"messages" : [ {"role": "user", "content": "x"},',
    ):
        assert codes(raw) == ["split_example"], raw


def test_invalid_json_hints() -> None:
    [problem] = problems_of(b'{"messages": [{"role": "user", "content": "x"}]},')
    assert problem.code == "invalid_json" and "ends with a comma" in problem.hint
    [problem] = problems_of("1번 플레이 데이터 - 달성 조건".encode())
    assert problem.code == "invalid_json" and "plain text" in problem.message
    [problem] = problems_of(b"{'messages': []}")
    assert "double quotes" in problem.hint


def test_infinity_and_nan_are_named() -> None:
    [problem] = problems_of(b'{"messages": [], "t": -Infinity}')
    assert problem.code == "nan_or_infinity" and "Infinity" in problem.message


def test_json_that_is_not_an_object() -> None:
    for raw, words in ((b'"hello"', "a piece of text"), (b"42", "a number"), (b"null", "null")):
        [problem] = problems_of(raw)
        assert problem.code == "not_an_object" and words in problem.message


def test_unknown_keys_are_reported_not_dropped() -> None:
    value = chat(U(), A(), metadata={"source": "crm"}, id=3)
    found = [(p.code, p.field) for p in check_value(value)]
    assert found == [("unknown_key", "metadata"), ("unknown_key", "id")]


def test_object_without_messages_lists_its_keys() -> None:
    [problem] = problems_of({"question": "Q", "answer": "A"})
    assert problem.code == "not_an_example" and "“question” or “answer”" in problem.message


def test_tools_and_parallel_tool_calls_are_allowed_top_level_keys() -> None:
    assert codes(chat(U(), A(), tools=[], parallel_tool_calls=True)) == []


def test_text_gate_skips_scans_only_when_nothing_can_match() -> None:
    assert TextGate.of_raw(json.dumps(GOOD).encode()) is CLOSED_GATE
    assert TextGate.of_raw(json.dumps(GOOD).encode()).shut
    assert TextGate.of_raw(b'{"a": "x@y.z"}').email
    assert TextGate.of_raw(b'{"a": "call 0123 456 789"}').numbers
    assert not TextGate.of_raw(b'{"a": "Company 232 in 1999"}').numbers
    assert TextGate.of_raw(b'{"a": "<|endoftext|>"}').special
    assert TextGate.of_raw(b'{"a": "AKIA..."}').secrets
    assert TextGate.of_raw(b'{"a": "\\u0040"}') == OPEN_GATE  # an escaped @ opens every scan
    assert TextGate.of_raw(b'{"a": "caf\\u00e9"}') is CLOSED_GATE
    assert TextGate.of_raw(b'{"a": "Hi [Customer Name]"}').placeholders
    assert not TextGate.of_raw(b'{"a": "[1, 2]", "b": [{"c": "[x]"}]}').placeholders


def test_escaped_characters_do_not_hide_personal_data() -> None:
    raw = json.dumps(chat(U("Mail jane@example.com"), A()), ensure_ascii=True).replace(
        "@", "\\u0040"
    )
    assert "email_address" in codes(raw.encode())
    raw = json.dumps(chat(U("Token <|endoftext|>"), A())).replace("<", "\\u003c")
    assert "special_token" in codes(raw.encode())
