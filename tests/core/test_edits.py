"""Pure edits on example values: they return new values, keep unknown keys, never touch roles."""

from __future__ import annotations

import copy
import json

import pytest

from desktop_app.core.dataset import edits
from desktop_app.core.dataset.edits import SystemPromptMode, TextPattern
from desktop_app.core.errors import UserFacingError

CHAT = {
    "messages": [
        {"role": "system", "content": "Be kind.", "x-note": "keep me"},
        {"role": "user", "content": "What is the weather in Paris?"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": '{"temp": 21}'},
        {"role": "assistant", "content": "It is 21 degrees in Paris.", "weight": 1},
    ],
    "tools": [{"type": "function", "function": {"name": "get_weather"}}],
    "custom": {"a": 1},
}
PAIR = {
    "input": {"messages": [{"role": "user", "content": "Say hi"}]},
    "preferred_output": [{"role": "assistant", "content": "Hi there!"}],
    "non_preferred_output": [{"role": "assistant", "content": "Go away."}],
}


@pytest.fixture
def chat():
    return copy.deepcopy(CHAT)


def test_edits_return_new_values_and_keep_unknown_keys(chat):
    new = edits.set_content(chat, ("messages", 0), "Be brief.")
    assert chat == CHAT
    assert new["messages"][0] == {"role": "system", "content": "Be brief.", "x-note": "keep me"}
    assert new["custom"] == {"a": 1} and new["tools"] == CHAT["tools"]


def test_empty_text_on_a_tool_calling_reply_stays_null(chat):
    new = edits.set_content(chat, ("messages", 2), "")
    assert new["messages"][2]["content"] is None
    new = edits.set_content(chat, ("messages", 2), "Let me check.")
    assert new["messages"][2]["content"] == "Let me check."


def test_part_text_and_image_label():
    value = {
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is this?"},
                    {
                        "type": "image_url",
                        "image_url": {"url": "data:image/png;base64," + "A" * 4000},
                    },
                ],
            }
        ]
    }
    new = edits.set_part_text(value, ("messages", 0), 0, "And this?")
    assert new["messages"][0]["content"][0]["text"] == "And this?"
    assert new["messages"][0]["content"][1] == value["messages"][0]["content"][1]
    assert edits.image_label(value["messages"][0]["content"][1]) == "Embedded PNG image (3 KB)"
    assert edits.image_label({"type": "image_url", "image_url": {"url": "https://x/y.png"}}) == (
        "https://x/y.png"
    )
    assert edits.text_of(value["messages"][0]) == "What is this?"


def test_role_change_drops_weight_one_on_non_assistant(chat):
    new = edits.set_role(chat, ("messages", 4), "user")
    assert new["messages"][4] == {"role": "user", "content": "It is 21 degrees in Paris."}


def test_weight_switch_never_adds_weight_one_to_a_line_without_weights():
    value = {"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}
    off = edits.set_trained(value, ("messages", 1), False)
    assert off["messages"][1]["weight"] == 0
    assert not edits.is_trained(off["messages"][1])
    on = edits.set_trained(off, ("messages", 1), True)
    assert on == value


def test_weight_switch_writes_one_where_the_example_spells_weights_out(chat):
    off = edits.set_trained(chat, ("messages", 2), False)
    on = edits.set_trained(off, ("messages", 2), True)
    assert on["messages"][2]["weight"] == 1  # message 4 has weight 1 written out


def test_add_delete_duplicate_move(chat):
    added = edits.insert_message(chat, ("messages",), 5, {"role": "user", "content": "Thanks"})
    assert [m["role"] for m in added["messages"]][-2:] == ["assistant", "user"]
    removed = edits.remove_message(chat, ("messages", 0))
    assert removed["messages"][0]["role"] == "user"
    duplicated = edits.duplicate_message(chat, ("messages", 1))
    assert duplicated["messages"][1] == duplicated["messages"][2] == CHAT["messages"][1]
    moved = edits.move_message(chat, ("messages", 1), -1)
    assert [m["role"] for m in moved["messages"][:2]] == ["user", "system"]
    assert edits.move_message(chat, ("messages", 0), -1) == chat
    assert edits.suggested_role("user") == "assistant"
    assert edits.suggested_role(None) == "user"


def test_insert_into_a_missing_list_creates_it():
    new = edits.insert_message({"id": 3}, ("messages",), 0, {"role": "user", "content": ""})
    assert new == {"id": 3, "messages": [{"role": "user", "content": ""}]}


def test_tool_call_edits(chat):
    ref = ("messages", 2)
    renamed = edits.set_call_name(chat, ref, 0, "get_forecast")
    assert edits.call_name(renamed["messages"][2]["tool_calls"][0]) == "get_forecast"
    typed = edits.set_call_arguments(chat, ref, 0, '{\n  "city": "Lyon"\n}')
    assert typed["messages"][2]["tool_calls"][0]["function"]["arguments"] == '{"city": "Lyon"}'
    broken = edits.set_call_arguments(chat, ref, 0, '{"city": ')
    assert broken["messages"][2]["tool_calls"][0]["function"]["arguments"] == '{"city": '
    assert "not valid JSON" in edits.arguments_problem('{"city": ')
    assert "object" in edits.arguments_problem("[1]")
    assert edits.arguments_problem('{"a": 1}') == ""
    assert edits.pretty_arguments('{"a":1}') == '{\n  "a": 1\n}'
    added = edits.add_tool_call(chat, ref)
    assert added["messages"][2]["tool_calls"][1]["id"] == "call_2"
    gone = edits.remove_tool_call(chat, ref, 0)
    assert "tool_calls" not in gone["messages"][2] and gone["messages"][2]["content"] == ""
    assert edits.calls_before(chat, ("messages", 3)) == [("call_1", "get_weather")]
    assert edits.set_tool_call_id(chat, ("messages", 3), "x")["messages"][3]["tool_call_id"] == "x"


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (SystemPromptMode.SET, "New prompt"),
        (SystemPromptMode.ADD_MISSING, None),
        (SystemPromptMode.REMOVE, "user"),
    ],
)
def test_system_prompt_on_an_example_with_one(chat, mode, expected):
    new = edits.with_system_prompt(chat, "New prompt", mode)
    if expected is None:
        assert new is None
    elif mode is SystemPromptMode.REMOVE:
        assert new["messages"][0]["role"] == "user"
    else:
        assert new["messages"][0] == {
            "role": "system",
            "content": "New prompt",
            "x-note": "keep me",
        }


def test_system_prompt_added_to_a_preference_pair_prompt():
    new = edits.with_system_prompt(PAIR, "Be polite.", SystemPromptMode.ADD_MISSING)
    assert new["input"]["messages"][0] == {"role": "system", "content": "Be polite."}
    assert edits.with_system_prompt(PAIR, "x", SystemPromptMode.REMOVE) is None
    assert edits.with_system_prompt({"prompt": "x"}, "x", SystemPromptMode.SET) is None


def test_plan_system_prompt_counts_only_changes(chat):
    values = [(0, chat), (1, None), (2, PAIR), (3, {"prompt": "a"})]
    changes = edits.plan_system_prompt(values, "Be kind.", SystemPromptMode.SET)
    assert list(changes) == [2]


def test_find_replace_touches_only_message_text(chat):
    pattern = TextPattern("user")  # also a role name and a key: must not be touched
    value = {"messages": [{"role": "user", "content": "The user said: USER"}]}
    new, count = edits.replace_matches(value, pattern.compile(), "client", regex=False)
    assert count == 2
    assert new == {"messages": [{"role": "user", "content": "The client said: client"}]}
    assert edits.count_matches(chat, TextPattern("paris").compile()) == 2
    # tool arguments and function names are not message text
    assert edits.count_matches(chat, TextPattern("get_weather").compile()) == 0


def test_find_replace_regex_groups_case_and_whole_words():
    value = {"messages": [{"role": "user", "content": "cat catalog Cat"}]}
    whole = TextPattern("cat", whole_words=True, match_case=True).compile()
    assert edits.count_matches(value, whole) == 1
    regex = TextPattern(r"(c)at", regex=True).compile()
    new, count = edits.replace_matches(value, regex, r"\1ow", regex=True)
    assert (new["messages"][0]["content"], count) == ("cow cowalog Cow", 3)
    plain = TextPattern(r"\1").compile()
    new, count = edits.replace_matches(
        {"messages": [{"role": "u", "content": r"a\1"}]}, plain, r"\2", regex=False
    )
    assert new["messages"][0]["content"] == r"a\2"


def test_find_replace_errors_are_plain():
    with pytest.raises(UserFacingError, match="not a valid regular expression"):
        TextPattern("(unclosed", regex=True).compile()
    with pytest.raises(UserFacingError, match="nothing to look for"):
        TextPattern("").compile()
    value = {"messages": [{"role": "user", "content": "abc"}]}
    with pytest.raises(UserFacingError, match="group"):
        edits.replace_matches(value, TextPattern("b", regex=True).compile(), r"\3", regex=True)


def test_plan_replace_and_count_plan_agree(chat):
    values = [
        (0, chat),
        (1, PAIR),
        (2, None),
        (3, {"messages": [{"role": "user", "content": "hi"}]}),
    ]
    pattern = TextPattern("i")
    plan = edits.plan_replace(values, pattern, "I")
    assert (plan.replacements, plan.examples) == edits.count_plan(values, pattern)
    assert set(plan.changes) == {0, 1, 3}
    assert plan.changes[1]["non_preferred_output"][0]["content"] == "Go away."
    assert plan.changes[1]["preferred_output"][0]["content"] == "HI there!"


def test_legacy_to_chat_keeps_other_keys():
    new = edits.legacy_to_chat({"prompt": "Q?", "completion": " A.", "id": 7})
    assert new == {
        "messages": [{"role": "user", "content": "Q?"}, {"role": "assistant", "content": " A."}],
        "id": 7,
    }
    assert edits.legacy_to_chat({"text": "x"}) is None


def test_raw_line_for_save():
    dumps = lambda v: json.dumps(v, separators=(",", ":")).encode()  # noqa: E731
    assert edits.raw_line_for_save('{"a": 1}', dumps) == '{"a": 1}'  # one line: as typed
    assert edits.raw_line_for_save('{\n  "a": 1\n}', dumps) == '{"a":1}'
    assert edits.raw_line_for_save('{\n  "a": \n}', dumps) == '{   "a":  }'
    assert edits.formatted('{"a":1}') == '{\n  "a": 1\n}'
    assert edits.formatted("{") is None


def test_structure_ignores_text_but_sees_roles(chat):
    paths = [("messages",)]
    typed = edits.set_content(chat, ("messages", 1), "changed")
    assert edits.structure(typed, paths) == edits.structure(chat, paths)
    assert edits.structure(edits.set_role(chat, ("messages", 1), "assistant"), paths) != (
        edits.structure(chat, paths)
    )
