"""Line-shape findings that mutation testing showed unguarded (docs/architecture.md, "Tests that notice bugs").

Each test failed against a mutant of desktop_app/core/checks/structure.py (or jsonline.py) that
the older tests let through: a comment or a piece of a multi-line example misread as broken JSON,
a legacy line missed, the wrong hint, a finding that no longer points at its field.
"""

from __future__ import annotations

import pytest
from test_checks_rules import A, U, chat, problems_of

from desktop_app.core.checks.base import REGISTRY
from desktop_app.core.checks.structure import INVALID_JSON


def only(item: object) -> tuple[str, str, str | None]:
    """(code, message, fix label) of the line's single finding."""
    problems = problems_of(item)
    assert len(problems) == 1, problems
    found = problems[0]
    return found.code, found.message, found.fix.label if found.fix else None


def test_the_exact_words_of_the_line_shape_findings() -> None:
    # What a writer reads in the list of problems and on the fix button.
    assert only(b"  ") == (
        "blank_line",
        "This line is blank. It stays in your file but is left out of the training file.",
        "Remove the blank line",
    )
    assert only(b"// intro scenes") == (
        "comment_line",
        "This line is a comment. Comments are not allowed in a JSONL file.",
        "Remove the comment line",
    )
    assert only(b"]},") == (
        "split_example",
        "This line is only a piece of an example that was written over several lines.",
        None,
    )
    assert only({"prompt": "Hi", "completion": "Hello"}) == (
        "legacy_prompt_completion",
        "This line uses the old prompt/completion format. Chat models need “messages” instead.",
        "Convert to a chat example",
    )
    assert only(U()) == (
        "split_example",
        "This line holds a single message, not a whole example. It looks like an example was "
        "written over several lines.",
        None,
    )
    raw = b'{"messages": [], "messages": [{"role": "user", "content": "Hi"}, '
    raw += b'{"role": "assistant", "content": "Hello"}]}'
    assert only(raw)[2] == "Keep only the last value"


def test_a_hash_comment_is_a_comment() -> None:
    assert only(b"# exported 2024-05-01")[0] == "comment_line"


@pytest.mark.parametrize(
    ("raw", "what"),
    [
        (b"null", "the value null"),
        (b"true", "the value true"),
        (b"[1, 2]", "a list"),
        (b'"Where is my parcel?"', "a piece of text"),
        (b"42", "a number"),
    ],
)
def test_json_that_is_not_an_object_says_what_it_is(raw: bytes, what: str) -> None:
    code, message, _ = only(raw)
    assert code == "not_an_object"
    assert f"it is {what}, not an object" in message


@pytest.mark.parametrize(
    "raw",
    [
        b'{"input": {',  # a preference pair written over several lines
        b'{"messages": [{',  # the first message starts on the next line
        b'{"messages": [{"role": "user", "content": "Hi"}],',  # tools follow on the next line
    ],
)
def test_the_first_line_of_a_pretty_printed_example_is_a_piece(raw: bytes) -> None:
    assert only(raw)[0] == "split_example"


@pytest.mark.parametrize("key", ["prompt", "completion"])
def test_half_a_legacy_line_is_still_the_legacy_format(key: str) -> None:
    code, _, fix = only({key: "Hi"})
    assert code == "legacy_prompt_completion" and fix == "Convert to a chat example"


def test_an_empty_object_contains_nothing() -> None:
    assert only({}) == (
        "not_an_example",
        "This line is not an example: it has no “messages”. It contains nothing.",
        None,
    )


def test_at_most_six_keys_are_listed() -> None:
    value = dict.fromkeys(("a", "b", "c", "d", "e", "f", "g"), 1)
    message = only(value)[1]
    assert "“f”" in message and "“g”" not in message


_OWN_HINT = REGISTRY[INVALID_JSON].hint


@pytest.mark.parametrize(
    ("raw", "hint"),
    [
        (b"Where is my parcel?", "Remove the line, or put its words into an example."),
        (b'{"messages": [{"role": "user"}]},', "The line ends with a comma. Remove it: each line is one whole example."),
        (b"{'messages': []}", "JSON needs double quotes (\") around names and text, not single quotes (')."),
        (b"{messages: []}", _OWN_HINT),  # no quotes at all: not a single-quote problem
        (b'{"text": \'it is\'}', _OWN_HINT),  # double quotes present: not a single-quote problem
        (b'["user", "assistant"', _OWN_HINT),  # starts like JSON: not plain text
        (b'"Where is my parcel?', _OWN_HINT),
    ],
)  # fmt: skip
def test_broken_json_gets_the_hint_that_fits(raw: bytes, hint: str) -> None:
    problems = problems_of(raw)
    assert [p.code for p in problems] == ["invalid_json"]
    assert problems[0].hint == hint


def test_a_line_of_plain_text_is_called_so_and_can_be_removed() -> None:
    """Inkspire's file holds a title between its examples (“1번 플레이 데이터 - …”); the writer
    was told “there is more than one JSON value on the line (at character 2)”."""
    (problem,) = problems_of("1번 플레이 데이터 - 달성 조건은 아이템을 얻는다.".encode())
    assert problem.message.startswith("This line is plain text, not an example")
    assert problem.fix is not None and problem.fix.label == "Remove the line"
    (broken,) = problems_of(b'{"messages": [}')
    assert broken.fix is None and "not valid JSON" in broken.message


def test_parallel_tool_calls_finding_points_at_its_field() -> None:
    problems = [
        p
        for p in problems_of(chat(U(), A(), parallel_tool_calls="yes"))
        if p.code.startswith("parallel")
    ]
    assert [(p.code, p.field) for p in problems] == [
        ("parallel_tool_calls_invalid", "parallel_tool_calls")
    ]
    assert problems[0].message == "“parallel_tool_calls” is text; it must be true or false."


def test_an_example_without_messages_points_at_messages() -> None:
    problems = problems_of(chat())
    assert [(p.code, p.field, p.message) for p in problems] == [
        ("messages_empty", "messages", "This example has no messages.")
    ]
    assert problems[0].fix is not None and problems[0].fix.label == "Remove the example"
