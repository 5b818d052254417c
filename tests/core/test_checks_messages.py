"""Roles, content, names, weights, tools, images and preference pairs: the finer points."""

from __future__ import annotations

import json
from typing import Any

import pytest
from test_checks_rules import TOOLS, A, S, U, call, chat, image, pair, tool

from desktop_app.core.checks import check_line, check_value
from desktop_app.core.checks.roles import suggest_role
from desktop_app.core.dataset.jsonline import parse_line


def codes(value: Any) -> list[str]:
    return [p.code for p in check_value(value)]


@pytest.mark.parametrize(
    ("role", "suggestion"),
    [
        ("assistnat", "assistant"),
        ("Assistant", "assistant"),
        (" user ", "user"),
        ("usr", "user"),
        ("sytem", "system"),
        ("developer", "system"),
        ("bot", "assistant"),
        ("human", "user"),
        ("zzzz", None),
        (3, None),
    ],
)
def test_role_suggestions(role: Any, suggestion: str | None) -> None:
    assert suggest_role(role) == suggestion


def test_a_role_that_is_not_text() -> None:
    [problem] = check_value(chat(U(), {"role": ["assistant"], "content": "x"}))
    assert problem.code == "unknown_role" and "a list" in problem.message and problem.fix is None


def test_numbers_where_text_belongs() -> None:
    [problem] = check_value(chat(U(12345), A()))
    assert problem.code == "content_wrong_type" and "a number" in problem.message


def test_parallel_tool_calls_answered_in_any_order() -> None:
    value = chat(
        U("Weather in Paris and Rome?"),
        A(None, tool_calls=[call("c1"), call("c2", arguments='{"city": "Rome"}')]),
        tool("c2"),
        tool("c1"),
        A("Sunny in both."),
        tools=TOOLS,
        parallel_tool_calls=True,
    )
    assert codes(value) == []


def test_a_tool_call_as_the_last_message_is_what_is_learned() -> None:
    assert codes(chat(U(), A(None, tool_calls=[call()]), tools=TOOLS)) == []


def test_unknown_function_only_when_tools_are_listed() -> None:
    assert codes(chat(U(), A(None, tool_calls=[call(name="anything")]))) == []


def test_legacy_function_call_and_result() -> None:
    value = chat(
        U(),
        A(None, function_call={"name": "lookup", "arguments": '{"q": 1}'}),
        {"role": "function", "name": "lookup", "content": "42"},
        A("It is 42."),
        functions=[{"name": "lookup"}],
    )
    assert codes(value) == []


def test_ten_images_across_messages_is_the_limit() -> None:
    five = [image() for _ in range(5)]
    assert codes(chat(U(five), A("Nice."), U(five), A("Both nice."))) == []
    assert "too_many_images" in codes(chat(U(five), A("Nice."), U([*five, image()]), A("Yes.")))


def test_azure_takes_up_to_64_images_an_example() -> None:
    """Azure's vision guide: up to 64 images an example, where OpenAI takes 10. An Azure file of
    twelve-page scans was refused with “OpenAI takes at most 10”."""
    twelve = chat(U([image() for _ in range(12)]), A("Both nice."))
    assert "too_many_images" in codes(twelve)  # OpenAI's rule, the default
    assert [p.code for p in check_value(twelve, provider="azure")] == []
    many = chat(U([image() for _ in range(65)]), A("Yes."))
    [found] = [p for p in check_value(many, provider="azure") if p.code == "too_many_images"]
    assert found.message == "This example has 65 images; Azure OpenAI takes at most 64."
    assert "too_many_images" in [p.code for p in check_value(twelve, provider="practice")]
    line = json.dumps(twelve).encode()
    assert check_line(line, parse_line(line), 1, "azure") == []


def test_data_url_without_base64() -> None:
    [problem] = check_value(chat(U([image("data:image/png,rawbytes")]), A()))
    assert problem.code == "image_url_invalid" and "base64" in problem.message


def test_http_image_link() -> None:
    [problem] = check_value(chat(U([image("http://example.com/a.png")]), A()))
    assert problem.code == "image_url_invalid" and "https" in problem.message


@pytest.mark.parametrize(
    ("weight", "fine"),
    [(0, True), (1, True), (True, False), ("1", False), (1.0, False), (None, False)],
)
def test_weight_values(weight: Any, fine: bool) -> None:
    value = chat(U(), A("First.", weight=weight), U("More?"), A("Second."))
    assert (codes(value) == []) is fine


def test_name_length_limit() -> None:
    assert codes(chat(U(name="a" * 64), A())) == []
    [problem] = check_value(chat(U(name="a" * 65), A()))
    assert problem.code == "name_invalid" and "longer than 64" in problem.message
    [problem] = check_value(chat(U(name="José Núñez"), A()))
    assert problem.fix is not None and problem.fix.label == "Change it to “Jos_N_ez”"


def test_whitespace_is_fine_in_context_replies_and_prompts() -> None:
    assert (
        codes(chat(S(" Be brief. "), U(" hi "), A(" earlier ", weight=0), U("?"), A("Now."))) == []
    )


def test_a_good_preference_pair_with_tools() -> None:
    value = pair(
        input={"messages": [S(), U("Weather?")], "tools": TOOLS, "parallel_tool_calls": False}
    )
    assert codes(value) == []


def test_preference_output_may_be_a_tool_call() -> None:
    value = pair(preferred_output=[A(None, tool_calls=[call()])])
    assert "preference_output_not_text" not in codes(value)


def test_preference_messages_get_the_message_checks() -> None:
    value = pair(input={"messages": [{"role": "usr", "content": "Hi <|endoftext|>"}]})
    found = codes(value)
    assert "unknown_role" in found and "special_token" in found


def test_preference_output_fields_point_at_the_output() -> None:
    found = {p.code: p.field for p in check_value(pair(preferred_output=[A("Mail x@y.com ")]))}
    assert found == {
        "reply_whitespace": "preferred_output[0].content",
        "email_address": "preferred_output[0].content",
    }
