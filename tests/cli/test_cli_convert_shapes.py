"""Bringing in other shapes: each fixture is recognised, converted, and passes `ftstudio validate`
with no per-example errors; what each shape becomes is checked field by field."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

SHAPES = Path(__file__).resolve().parents[1] / "data" / "shapes"
Run = Callable[..., Any]

RECOGNISED = {
    "alpaca.json": "Alpaca, 4 examples",
    "sharegpt.json": "ShareGPT, 2 examples",
    "sharegpt_preference.json": "Preference pairs (chosen/rejected), 2 examples",
    "trl_preference.jsonl": "Preference pairs (chosen/rejected), 2 examples",
    "prompt_chosen_rejected.jsonl": "Preference pairs (chosen/rejected), 2 examples",
    "hf_messages.jsonl": "Chat messages, 2 examples",
    "question_answer.jsonl": "Prompt and reply (question → answer), 2 examples",
    "Prompt_Completion.json": "Prompt and reply (Prompt → Completion), 2 examples",
    "input_output.jsonl": "Prompt and reply (input → output), 2 examples",
    "instruction_answer.json": "Prompt and reply (instruction → answer), 2 examples",
}


def _convert(ftstudio: Run, name: str, tmp_path: Path) -> tuple[Any, list[dict[str, Any]]]:
    target = tmp_path / "out.jsonl"
    ran = ftstudio("convert", SHAPES / name, target)
    assert ran.code == 0, ran.err
    lines = target.read_text(encoding="utf-8").splitlines()
    return ran, [json.loads(line) for line in lines]


@pytest.mark.parametrize("name", sorted(RECOGNISED))
def test_each_shape_is_recognised_and_passes_validate(
    ftstudio: Run, name: str, tmp_path: Path
) -> None:
    ran, _ = _convert(ftstudio, name, tmp_path)
    assert f"Recognised: {RECOGNISED[name]}." in ran.out
    checked = ftstudio("validate", tmp_path / "out.jsonl", "--json")
    report = json.loads(checked.out)
    per_example = [
        p for p in report["problems"] if p["line"] is not None and p["severity"] == "error"
    ]
    assert per_example == []
    assert report["broken_lines"] == 0 and report["other_lines"] == 0


def test_alpaca_with_input_system_and_history(ftstudio: Run, tmp_path: Path) -> None:
    _, values = _convert(ftstudio, "alpaca.json", tmp_path)
    assert values[1]["messages"] == [
        {"role": "user", "content": "Translate to French.\n\nGood morning"},
        {"role": "assistant", "content": "Bonjour"},
    ]
    assert values[2]["messages"][0] == {"role": "system", "content": "You are brief."}
    assert [m["content"] for m in values[3]["messages"]] == [
        "Do cats sleep?",
        "Yes, a lot.",
        "How much?",
        "Up to 16 hours.",
        "And what about dogs?",
        "Dogs sleep too.",
    ]


def test_sharegpt_tool_calls_and_observations(ftstudio: Run, tmp_path: Path) -> None:
    _, values = _convert(ftstudio, "sharegpt.json", tmp_path)
    assert values[0]["messages"][0] == {"role": "system", "content": "You are funny."}
    call, answer = values[1]["messages"][1], values[1]["messages"][2]
    assert call["role"] == "assistant"
    assert call["tool_calls"][0]["function"] == {
        "name": "get_weather",
        "arguments": '{"city": "Paris"}',
    }
    assert answer == {
        "role": "tool",
        "tool_call_id": call["tool_calls"][0]["id"],
        "content": '{"temperature": 18, "sky": "cloudy"}',
    }
    assert values[1]["tools"][0]["type"] == "function"
    assert values[1]["tools"][0]["function"]["name"] == "get_weather"


def test_sharegpt_preference_pairs(ftstudio: Run, tmp_path: Path) -> None:
    _, values = _convert(ftstudio, "sharegpt_preference.json", tmp_path)
    assert values[0] == {
        "input": {
            "messages": [
                {"role": "system", "content": "Answer briefly."},
                {"role": "user", "content": "What is 2+2?"},
            ]
        },
        "preferred_output": [{"role": "assistant", "content": "4"}],
        "non_preferred_output": [{"role": "assistant", "content": "It is probably 5."}],
    }


def test_whole_conversations_share_their_beginning_as_the_prompt(
    ftstudio: Run, tmp_path: Path
) -> None:
    _, values = _convert(ftstudio, "trl_preference.jsonl", tmp_path)
    assert values[1]["input"]["messages"] == [
        {"role": "system", "content": "Be kind."},
        {"role": "user", "content": "I failed my test."},
    ]
    assert values[1]["preferred_output"] == [
        {"role": "assistant", "content": "I'm sorry; you can try again."}
    ]
    assert values[1]["non_preferred_output"] == [{"role": "assistant", "content": "Too bad."}]


def test_text_prompt_with_chosen_and_rejected_text(ftstudio: Run, tmp_path: Path) -> None:
    _, values = _convert(ftstudio, "prompt_chosen_rejected.jsonl", tmp_path)
    assert values[0]["input"]["messages"] == [
        {"role": "system", "content": "You are helpful."},
        {"role": "user", "content": "Is the sky blue?"},
    ]


def test_hf_messages_get_roles_fixed_and_extra_fields_named(ftstudio: Run, tmp_path: Path) -> None:
    ran, values = _convert(ftstudio, "hf_messages.jsonl", tmp_path)
    assert values[0] == {
        "messages": [{"role": "user", "content": "Hello"}, {"role": "assistant", "content": "Hi!"}]
    }
    assert "left out: prompt_id (2)" in ran.out


def test_the_mapping_can_be_chosen(ftstudio: Run, tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    ran = ftstudio(
        "convert",
        SHAPES / "question_answer.jsonl",
        target,
        "--prompt-column",
        "answer",
        "--response-column",
        "question",
    )
    assert ran.code == 0, ran.err
    first = json.loads(target.read_text(encoding="utf-8").splitlines()[0])
    assert first["messages"][0] == {"role": "user", "content": "In Portugal."}


def test_a_file_of_no_known_shape_explains(ftstudio: Run, tmp_path: Path) -> None:
    source = tmp_path / "odd.json"
    source.write_text('[{"colour": "red"}, {"colour": "blue"}]\n', encoding="utf-8")
    ran = ftstudio("convert", source, tmp_path / "out.jsonl")
    assert ran.code == 1
    assert "could not tell what kind of examples" in ran.err


def test_shape_can_be_chosen_and_what_does_not_fit_is_named(ftstudio: Run, tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    ran = ftstudio("convert", SHAPES / "sharegpt.json", target, "--shape", "alpaca")
    assert ran.code == 1
    assert "No examples could be made" in ran.err
    assert "Examples 1 and 2: its “instruction” is missing or not text" in ran.err


def test_a_chat_file_that_needed_repair_is_written_repaired(ftstudio: Run, tmp_path: Path) -> None:
    source = tmp_path / "pretty.json"
    source.write_text(
        json.dumps(
            [{"messages": [{"role": "User", "content": "a"}, {"role": "bot", "content": "b"}]}],
            indent=2,
        ),
        encoding="utf-8",
    )
    ran = ftstudio("convert", source, tmp_path / "out.jsonl")
    assert ran.code == 0, ran.err
    assert "Read 1 example from 14 lines." in ran.out
    assert "renamed the roles “User” to “user”, “bot” to “assistant”" in ran.out
    written = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    assert [m["role"] for m in written["messages"]] == ["user", "assistant"]
