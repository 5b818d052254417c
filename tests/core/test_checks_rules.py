"""Every per-line rule, with a line that breaks it and a corrected line that passes every check.

The table is the single list of per-line rules under test; `test_every_rule_has_a_case` fails when
a rule is registered without one (dataset-level rules are in test_checks_dataset.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from desktop_app.core.checks import REGISTRY, check_line, check_value
from desktop_app.core.checks.dataset_level import F as DATASET_FAMILY
from desktop_app.core.dataset.jsonline import parse_line
from desktop_app.core.problems import Problem, Severity


def U(text: Any = "Where is my parcel?", **extra: Any) -> dict[str, Any]:
    return {"role": "user", "content": text, **extra}


def A(text: Any = "It arrives on Monday.", **extra: Any) -> dict[str, Any]:
    return {"role": "assistant", "content": text, **extra}


def S(text: Any = "You are a courteous support agent.") -> dict[str, Any]:
    return {"role": "system", "content": text}


def chat(*messages: Any, **top: Any) -> dict[str, Any]:
    return {"messages": list(messages), **top}


def pair(**changes: Any) -> dict[str, Any]:
    value: dict[str, Any] = {
        "input": {"messages": [U("Is it sunny?")]},
        "preferred_output": [A("Yes, 24 °C and clear.")],
        "non_preferred_output": [A("Dunno.")],
    }
    value.update(changes)
    return value


def call(
    call_id: str = "call_1", name: str = "get_weather", arguments: Any = '{"city": "Paris"}'
) -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def tool(call_id: str = "call_1", content: str = '{"temp": 21}') -> dict[str, Any]:
    return {"role": "tool", "tool_call_id": call_id, "content": content}


def image(url: str = "https://example.com/chart.png", **extra: Any) -> dict[str, Any]:
    return {"type": "image_url", "image_url": {"url": url, **extra}}


TOOLS = [
    {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}
]
GOOD = chat(S(), U(), A())


def raw_of(item: Any) -> bytes:
    return item if isinstance(item, bytes) else json.dumps(item, ensure_ascii=False).encode()


def problems_of(item: Any) -> list[Problem]:
    raw = raw_of(item)
    return check_line(raw, parse_line(raw), 7)


@dataclass
class Case:
    code: str
    bad: Any
    good: Any
    message_index: int | None = None
    field: str | None = None
    fix: str | None = None
    says: tuple[str, ...] = ()  # words the message must contain


CASES = [
    # ---- structure ----------------------------------------------------------------------------
    Case("blank_line", b"   ", GOOD, fix="remove_example"),
    Case(
        "not_utf8", b'{"messages": [{"role": "user", "content": "caf\xe9"}]}', GOOD, says=("UTF-8",)
    ),
    Case(
        "invalid_json",
        b'{"messages": [{"role": "user" "content": "Hi"}]}',
        GOOD,
        says=("not valid JSON",),
    ),
    Case("comment_line", b"// training data for the game intro", GOOD, fix="remove_example"),
    Case("split_example", b'{"messages" : [', GOOD, says=("several lines",)),
    Case(
        "nan_or_infinity",
        b'{"messages": [{"role": "user", "content": "Hi", "score": NaN}]}',
        GOOD,
        says=("NaN",),
    ),
    Case("too_deeply_nested", b'{"messages": ' + b"[" * 5000 + b"]" * 5000 + b"}", GOOD),
    Case("not_an_object", b'["user", "assistant"]', GOOD, says=("a list",)),
    Case(
        "duplicate_keys",
        b'{"messages": [{"role": "user", "role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello."}]}',
        GOOD,
        fix="keep_last_duplicate",
        says=("“role”",),
    ),
    Case(
        "legacy_prompt_completion",
        {"prompt": "Capital of France?", "completion": "Paris"},
        GOOD,
        fix="convert_prompt_completion",
    ),
    Case(
        "not_an_example", {"mesages": [U(), A()]}, GOOD, field="mesages", fix="rename_to_messages"
    ),
    Case("messages_not_a_list", {"messages": "Hi there"}, GOOD, field="messages", says=("text",)),
    Case("messages_empty", {"messages": []}, GOOD, fix="remove_example"),
    Case("unknown_key", chat(U(), A(), id=17), GOOD, field="id", fix="remove_key"),
    Case(
        "parallel_tool_calls_invalid",
        chat(U(), A(), parallel_tool_calls="no"),
        chat(U(), A(), parallel_tool_calls=False),
    ),
    # ---- roles ----------------------------------------------------------------------------------
    Case(
        "message_not_an_object",
        chat("Where is my parcel?", A()),
        GOOD,
        message_index=0,
        fix="remove_message",
    ),
    Case("missing_role", chat({"content": "Hi"}, A()), GOOD, message_index=0, field="role"),
    Case(
        "unknown_role",
        chat(U(), {"role": "assistnat", "content": "Monday."}),
        GOOD,
        message_index=1,
        field="role",
        fix="change_role",
        says=("Message 2", "“assistnat”", "system, user, assistant, tool or function"),
    ),
    Case(
        "developer_role",
        chat({"role": "developer", "content": "Be brief."}, U(), A()),
        GOOD,
        message_index=0,
        fix="change_role",
    ),
    Case(
        "unknown_message_key",
        chat(U(), A(id="msg_1")),
        GOOD,
        message_index=1,
        field="id",
        fix="remove_key",
    ),
    Case("no_assistant_message", chat(S(), U()), GOOD, fix="write_reply"),
    Case("no_user_message", chat(S(), A()), GOOD),
    Case(
        "ends_without_reply", chat(U(), A(), U("Thanks!")), GOOD, message_index=2, fix="write_reply"
    ),
    # ---- content -------------------------------------------------------------------------------
    Case(
        "missing_content", chat(U(), {"role": "assistant"}), GOOD, message_index=1, field="content"
    ),
    Case(
        "content_wrong_type",
        chat(U(), A(42)),
        chat(U(), A("42")),
        message_index=1,
        fix="content_to_text",
    ),
    Case(
        "assistant_content_list",
        chat(U(), A([{"type": "text", "text": "It arrives on Monday."}])),
        GOOD,
        message_index=1,
        fix="join_text_parts",
    ),
    Case(
        "content_part_invalid",
        chat(U([{"type": "video", "url": "x"}]), A()),
        GOOD,
        message_index=0,
        field="content[0]",
    ),
    Case(
        "unsupported_content_part",
        chat(U([{"type": "input_audio", "input_audio": {}}]), A()),
        GOOD,
        message_index=0,
    ),
    Case("empty_reply", chat(U(), A("")), GOOD, message_index=1, fix="write_reply"),
    Case("empty_message", chat(U("   "), A()), GOOD, message_index=0, fix="write_message"),
    Case(
        "reply_whitespace",
        chat(U(), A("It arrives on Monday.\n\n")),
        GOOD,
        message_index=1,
        fix="trim_whitespace",
        says=("at the end",),
    ),
    # ---- images --------------------------------------------------------------------------------
    Case(
        "image_not_in_user_message",
        chat(U(), {"role": "system", "content": [image()]}, A()),
        chat(U([{"type": "text", "text": "What is this?"}, image()]), A()),
        message_index=1,
    ),
    Case(
        "too_many_images",
        chat(U([image() for _ in range(11)]), A()),
        chat(U([image() for _ in range(10)]), A()),
    ),
    Case(
        "image_url_invalid",
        chat(U([image("ftp://example.com/a.png")]), A()),
        chat(U([image()]), A()),
        message_index=0,
    ),
    Case(
        "image_format_unsupported",
        chat(U([image("data:image/gif;base64,R0lGODlhAQABAAAAACw=")]), A()),
        chat(U([image("data:image/png;base64,iVBORw0KGgo=")]), A()),
        says=("GIF",),
    ),
    Case(
        "image_link_format",
        chat(U([image("https://example.com/a.gif")]), A()),
        chat(U([image("https://example.com/a.webp")]), A()),
    ),
    Case(
        "image_too_large",
        chat(U([image("data:image/jpeg;base64," + "A" * (14 * 1024 * 1024))]), A()),
        chat(U([image("data:image/jpeg;base64," + "A" * 1024)]), A()),
    ),
    Case(
        "image_detail_invalid",
        chat(U([image(detail="ultra")]), A()),
        chat(U([image(detail="low")]), A()),
    ),
    # ---- names ---------------------------------------------------------------------------------
    Case(
        "name_invalid",
        chat(U(name="Jane Doe"), A()),
        chat(U(name="Jane_Doe"), A()),
        message_index=0,
        fix="clean_name",
    ),
    Case(
        "function_missing_name",
        chat(
            U(),
            A(None, function_call={"name": "lookup", "arguments": "{}"}),
            {"role": "function", "content": "{}"},
            A(),
        ),
        chat(
            U(),
            A(None, function_call={"name": "lookup", "arguments": "{}"}),
            {"role": "function", "name": "lookup", "content": "{}"},
            A(),
        ),
        message_index=2,
    ),
    # ---- tools ---------------------------------------------------------------------------------
    Case(
        "tools_invalid",
        chat(U(), A(), tools=[{"type": "function"}]),
        chat(U(), A(), tools=TOOLS),
        field="tools[0]",
    ),
    Case(
        "functions_invalid",
        chat(U(), A(), functions=[]),
        chat(U(), A(), functions=[{"name": "lookup"}]),
    ),
    Case(
        "tool_calls_not_a_list",
        chat(U(), A(None, tool_calls=call())),
        chat(U(), A(None, tool_calls=[call()])),
        message_index=1,
    ),
    Case(
        "tool_call_invalid",
        chat(
            U(),
            A(
                None,
                tool_calls=[
                    {"id": "call_1", "function": {"name": "get_weather", "arguments": "{}"}}
                ],
            ),
        ),
        chat(U(), A(None, tool_calls=[call()])),
        message_index=1,
        field="tool_calls[0]",
        says=("“function”",),
    ),
    Case(
        "tool_arguments_invalid",
        chat(U(), A(None, tool_calls=[call(arguments="{city: Paris}")])),
        chat(U(), A(None, tool_calls=[call()])),
        message_index=1,
        field="tool_calls[0].function.arguments",
    ),
    Case(
        "duplicate_tool_call_id",
        chat(U(), A(None, tool_calls=[call(), call()]), tool(), A()),
        chat(U(), A(None, tool_calls=[call(), call("call_2")]), tool(), tool("call_2"), A()),
    ),
    Case(
        "tool_call_unknown_function",
        chat(U(), A(None, tool_calls=[call(name="get_time")]), tools=TOOLS),
        chat(U(), A(None, tool_calls=[call()]), tools=TOOLS),
    ),
    Case(
        "tool_message_missing_id",
        chat(U(), A(None, tool_calls=[call()]), {"role": "tool", "content": "21"}, A()),
        chat(U(), A(None, tool_calls=[call()]), tool(), A()),
        message_index=2,
    ),
    Case(
        "tool_call_id_unknown",
        chat(U(), A(None, tool_calls=[call()]), tool("call_9"), A()),
        chat(U(), A(None, tool_calls=[call()]), tool(), A()),
        message_index=2,
    ),
    Case(
        "tool_call_unanswered",
        chat(U(), A(None, tool_calls=[call()]), U("Well?"), A()),
        chat(U(), A(None, tool_calls=[call()]), tool(), A()),
        message_index=1,
    ),
    Case(
        "function_call_invalid",
        chat(U(), A(None, function_call={"name": "lookup"})),
        chat(U(), A(None, function_call={"name": "lookup", "arguments": "{}"})),
        message_index=1,
    ),
    # ---- weights -------------------------------------------------------------------------------
    Case(
        "weight_not_on_assistant",
        chat(U(weight=1), A()),
        GOOD,
        message_index=0,
        fix="remove_weight",
    ),
    Case(
        "weight_invalid",
        chat(U(), A(weight=0.5)),
        chat(U(), A(weight=1)),
        message_index=1,
        fix="set_weight_1",
        says=("0.5",),
    ),
    Case(
        "no_trained_reply",
        chat(U(), A(weight=0)),
        chat(U(), A(weight=1)),
        message_index=1,
        fix="set_weight_1",
    ),
    # ---- special tokens and personal data ----------------------------------------------------------
    Case(
        "special_token",
        chat(U(), A("Done.<|endoftext|>")),
        GOOD,
        message_index=1,
        fix="remove_special_tokens",
        says=("<|endoftext|>",),
    ),
    Case(
        "email_address",
        chat(U("Mail me at jane.doe@example.com"), A()),
        GOOD,
        message_index=0,
        says=("j•••@example.com",),
    ),
    Case(
        "phone_number",
        chat(U("Call me on +1 (555) 123-4567 please."), A()),
        chat(U("Order 2024-01-15 arrived."), A()),
    ),
    Case(
        "card_number",
        chat(U("My card is 4242 4242 4242 4242."), A()),
        chat(U("My card is 4242 4242 4242 4241."), A()),
        says=("ending 4242",),
    ),
    Case(
        "secret_key",
        chat(U(), A("Use sk-proj-abcDEF1234567890ghijKLMNOP as the key.")),
        GOOD,
        says=("API key",),
    ),
    Case(
        "placeholder_text",
        chat(U(), A("It arrives on Monday. Best, [Your Name]")),
        chat(U(), A("It arrives on Monday. Best, Mia")),
        message_index=1,
        field="content",
        fix="replace_placeholder",
        says=("“[Your Name]”",),
    ),
    # ---- preference pairs (DPO) --------------------------------------------------------------------
    Case("preference_input_invalid", pair(input={"msgs": []}), pair(), field="input"),
    Case("preference_input_ending", pair(input={"messages": [U(), A()]}), pair(), message_index=1),
    Case(
        "preference_output_count",
        pair(preferred_output=[A("a"), A("b")]),
        pair(),
        field="preferred_output",
    ),
    Case(
        "preference_output_not_assistant",
        pair(non_preferred_output=[U("No.")]),
        pair(),
        field="non_preferred_output[0].role",
    ),
    Case(
        "preference_output_not_text",
        pair(preferred_output=[A(7)]),
        pair(),
        field="preferred_output[0].content",
    ),
    Case(
        "preference_outputs_identical",
        pair(non_preferred_output=[A("Yes, 24 °C and clear.")]),
        pair(),
    ),
    Case(
        "preference_legacy_keys",
        {
            "input": {"messages": [U()]},
            "preferred_completion": [A("Yes")],
            "non_preferred_completion": [A("No")],
        },
        pair(),
        fix="rename_preference_keys",
    ),
    Case("preference_images", pair(input={"messages": [U([image()])]}), pair()),
]


def _find(problems: list[Problem], code: str) -> Problem:
    found = [p for p in problems if p.code == code]
    assert found, f"{code} not reported; got {[p.code for p in problems]}"
    return found[0]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.code)
def test_bad_line_is_reported(case: Case) -> None:
    problem = _find(problems_of(case.bad), case.code)
    assert problem.line == 7
    assert problem.severity is REGISTRY[case.code].severity
    if case.message_index is not None:
        assert problem.message_index == case.message_index
    if case.field is not None:
        assert problem.field == case.field
    if case.fix is not None:
        assert problem.fix is not None and problem.fix.code == case.fix
        assert problem.fix.label[0].isupper()
    for words in case.says:
        assert words in problem.message
    assert problem.message.endswith((".", "?")) and "Traceback" not in problem.message
    assert problem.hint or REGISTRY[case.code].meaning


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.code)
def test_corrected_line_passes_every_check(case: Case) -> None:
    assert problems_of(case.good) == []


@pytest.mark.parametrize(
    "case", [c for c in CASES if not isinstance(c.bad, bytes)], ids=lambda c: c.code
)
def test_check_value_agrees_with_check_line(case: Case) -> None:
    by_line = [(p.code, p.message_index, p.field) for p in problems_of(case.bad)]
    by_value = [(p.code, p.message_index, p.field) for p in check_value(case.bad, line=7)]
    assert by_value == by_line


def test_every_rule_has_a_case() -> None:
    # whole-file families have their own tests (test_checks_dataset.py, test_voice_*.py)
    per_line = {
        code for code, rule in REGISTRY.items() if rule.family not in (DATASET_FAMILY, "voice")
    }
    assert per_line == {case.code for case in CASES}


def test_every_rule_reads_as_a_sentence() -> None:
    for rule in REGISTRY.values():
        assert rule.code.islower() and " " not in rule.code
        assert rule.meaning[0].isupper() and rule.meaning.endswith("."), rule.code
        assert isinstance(rule.severity, Severity)


def test_unknown_provider_is_refused() -> None:
    with pytest.raises(ValueError, match="provider"):
        check_value(GOOD, provider="acme")


def test_the_checks_reference_lists_every_rule_as_registered() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    text = "\n".join(
        (root / "docs" / name).read_text(encoding="utf-8")
        for name in ("checks-reference.md", "checks.md")
    )
    for rule in REGISTRY.values():
        assert f"| `{rule.code}` | {rule.severity} | {rule.meaning} |" in text, rule.code
