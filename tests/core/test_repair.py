"""The repair engine on the real broken files and on one fixture per kind of problem."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.core.dataset.jsonline import RecordKind
from desktop_app.core.dataset.records import Dataset
from desktop_app.core.repair import LEFT, RepairResult, repair_dataset, repair_file

DATA = Path(__file__).resolve().parents[1] / "data"
REALWORLD = DATA / "realworld"
FIXTURES = DATA / "repair"


def _repair_text(text: str | bytes) -> RepairResult:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return repair_dataset(Dataset.from_bytes(data))


def _values(result: RepairResult) -> list[Any]:
    return [json.loads(r.raw) for r in result.records if r.parse().kind is RecordKind.CHAT]


def _chat(user: str, reply: str) -> dict[str, Any]:
    return {
        "messages": [{"role": "user", "content": user}, {"role": "assistant", "content": reply}]
    }


def test_pretty_printed_realworld_file_becomes_24_examples() -> None:
    result = repair_dataset(
        Dataset.open(REALWORLD / "Danielcreux_Entrenamiento-IA__training_data.jsonl")
    )
    assert result.summary() == "24 examples from 96 lines."
    assert len(result.records) == 24
    assert all(r.parse().kind is RecordKind.CHAT for r in result.records)
    assert result.report_lines() == [
        "Lines 1–96 (24 examples): one example was written over 4 lines."
    ]


def test_commented_tab_indented_file_keeps_the_prose_line_as_it_was() -> None:
    path = REALWORLD / "EWHA-Inkspire_inkspire-gpt__data_set.jsonl"
    result = repair_dataset(Dataset.open(path))
    assert [p.where for p in result.left] == ["line 174"]
    last_line = path.read_bytes().split(b"\n")[173]
    assert result.records[-1].raw == last_line  # left byte for byte
    values = _values(result)
    assert len(values) == 21
    roles = {m["role"] for v in values for m in v["messages"]}
    assert roles == {"system", "user", "assistant"}  # "assistnat" was renamed
    report = "\n".join(result.report_lines())
    assert "removed the comment “// 게임 인트로 학습 데이터”" in report
    assert "removed a comma before a closing bracket" in report
    assert "renamed the role “assistnat” to “assistant”" in report


def test_missing_closing_braces_are_added_and_good_lines_stay_byte_for_byte() -> None:
    path = REALWORLD / "BradHeff_Python-AI-Model-Trainer__mydata.jsonl"
    dataset = Dataset.open(path)
    result = repair_dataset(dataset)
    assert result.left == []
    assert result.report_lines() == [
        "Lines 84–115 (31 examples): added a missing closing brace or bracket."
    ]
    for index in range(83):  # lines 1-82 and the blank line 83 are untouched
        assert result.records[index].raw == dataset[index].raw
    assert all(r.parse().kind is RecordKind.CHAT for r in result.records[83:])


@pytest.mark.parametrize("path", sorted(REALWORLD.glob("*.jsonl")), ids=lambda p: p.name[:30])
def test_realworld_files_open_and_save_back_byte_for_byte(path: Path, tmp_path: Path) -> None:
    dataset = Dataset.open(path)
    repair_dataset(dataset)  # looking at a repair changes nothing
    dataset.save(tmp_path / "same.jsonl")
    assert (tmp_path / "same.jsonl").read_bytes() == path.read_bytes()


@pytest.mark.parametrize(
    "path",
    [p for p in sorted(REALWORLD.glob("*.jsonl")) if p.name[0] in "mloTvy"],
    ids=lambda p: p.name[:30],
)
def test_well_formed_realworld_files_need_no_repair(path: Path) -> None:
    dataset = Dataset.open(path)
    result = repair_dataset(dataset)
    assert not result.changed
    assert [r.raw + r.ending for r in result.records] == [r.raw + r.ending for r in dataset]


def test_whole_file_array_is_opened_up() -> None:
    result = _repair_text((FIXTURES / "whole_array.json").read_text(encoding="utf-8"))
    assert _values(result) == [_chat("Hi", "Hello"), _chat("Bye", "See you")]
    assert "the examples were wrapped in a list" in result.report_lines()[0]


def test_examples_wrapped_in_data_are_taken_out() -> None:
    result = _repair_text((FIXTURES / "wrapped.json").read_text(encoding="utf-8"))
    assert _values(result) == [_chat("a", "b"), _chat("c", "d")]
    assert (
        result.report_lines()[0]
        == "Line 1: the examples were wrapped in “data”; each is now on its own line."
    )


def test_wrapper_written_by_json_dump_with_indent_is_opened_line_by_line() -> None:
    result = _repair_text((FIXTURES / "wrapped_indented.json").read_text(encoding="utf-8"))
    assert [r.raw for r in result.records] == [
        json.dumps(_chat("a", "b")).encode(),
        json.dumps(_chat("c", "d")).encode(),
    ]
    assert result.report_lines() == [
        "Lines 1–2: the examples were wrapped in “data”; each is now on its own line.",
        "Lines 3–5: one example was written over 3 lines; taken out of the list around the examples.",
        "Line 6: taken out of the list around the examples.",
        "Lines 7–8: removed the end of the list around the examples.",
    ]


def test_wrapper_on_one_line_notes_the_fields_left_out() -> None:
    wrapped = {"version": 2, "data": [_chat("a", "b"), _chat("c", "d")]}
    result = _repair_text(json.dumps(wrapped) + "\n")
    assert _values(result) == wrapped["data"]
    assert "left out the other fields around them (version)" in result.report_lines()[0]


def test_python_syntax_nan_several_values_and_foreign_roles() -> None:
    result = _repair_text((FIXTURES / "mixed.jsonl").read_text(encoding="utf-8"))
    values = _values(result)
    assert values[0]["ok"] is True and values[0]["messages"][1]["weight"] is None
    assert values[1]["score"] is None
    assert values[2] == _chat("p", "q") and values[3] == _chat("r", "s")
    report = result.report_lines()
    assert "changed single quotes to double quotes" in report[0]
    assert "True, False and None" in report[0]
    assert "changed NaN or Infinity" in report[1]
    assert "2 values were written one after another" in report[2]
    assert "“human” to “user”" in report[2] and "“bot” to “assistant”" in report[2]


def test_raw_newlines_bom_in_the_middle_comments_and_trailing_commas() -> None:
    result = _repair_text((FIXTURES / "raw_newline_bom.jsonl").read_bytes())
    assert _values(result) == [
        _chat("line one\nline two\twith tab", "ok"),
        _chat("bom", "there"),
        _chat("u", "v"),
    ]
    report = "\n".join(result.report_lines())
    assert "Lines 1–2: one example was written over 2 lines; kept line breaks" in report
    assert "Line 3: removed a byte-order mark" in report
    assert "Line 4: removed the comment “# a comment”" in report
    assert "Line 5: removed a comma before a closing bracket" in report
    assert result.left == []


def test_bare_messages_one_per_line_join_the_example_around_them() -> None:
    text = '{"messages": [\n{"role": "user", "content": "q"},\n{"role": "Assistant", "content": "a"}\n]}\n'
    result = _repair_text(text)
    assert _values(result) == [_chat("q", "a")]


def test_a_piece_that_cannot_be_read_stays_with_its_text() -> None:
    good = json.dumps(_chat("a", "b"))
    text = f'{good}\n{{"messages": [ {{"role": "user" "content": <<< ??? \n]]]\n{good}\n'
    result = _repair_text(text)
    left = result.left
    assert len(left) == 1 and left[0].status == LEFT
    raws = [r.raw.decode() for r in result.records]
    assert raws[0] == good and raws[-1] == good
    assert '{"role": "user" "content": <<< ???' in "\n".join(raws)
    assert "piece left as it was" in result.summary()


def test_a_lone_message_is_left_with_a_reason() -> None:
    result = _repair_text('{"role": "user", "content": "orphan"}\n')
    assert result.report_lines() == [
        "Line 1: is a single message outside any example; move it into the example it belongs to."
    ]
    assert result.records[0].raw == b'{"role": "user", "content": "orphan"}'


def test_repair_file_never_touches_the_input(tmp_path: Path) -> None:
    source = REALWORLD / "Danielcreux_Entrenamiento-IA__training_data.jsonl"
    before = source.read_bytes()
    result = repair_file(source, tmp_path / "out.jsonl")
    assert source.read_bytes() == before
    lines = (tmp_path / "out.jsonl").read_bytes().split(b"\n")
    assert result.examples == 24 and len([line for line in lines if line]) == 24


# ---- property: repairing never loses the text of a string value ---------------------------------
_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


def _write(examples: list[dict[str, Any]], form: str) -> str:
    if form == "pretty":
        return "\n".join(json.dumps(e, indent=2, ensure_ascii=False) for e in examples) + "\n"
    if form == "array":
        return json.dumps(examples, indent="\t", ensure_ascii=False) + "\n"
    if form == "commas":
        return "".join(json.dumps(e, ensure_ascii=False)[:-2] + ",]}\n" for e in examples)
    if form == "python":
        return "".join(f"{example!r}\n" for example in examples)  # Python's dict syntax
    if form == "comments":
        return "".join(f"// example\n{json.dumps(e, ensure_ascii=False)}\n" for e in examples)
    return "".join(json.dumps(e, ensure_ascii=False)[:-1] + "\n" for e in examples)  # unclosed


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@settings(max_examples=60, deadline=None)
@given(
    pairs=st.lists(st.tuples(_text, _text), min_size=1, max_size=4),
    form=st.sampled_from(["pretty", "array", "commas", "comments", "unclosed", "python"]),
)
def test_repairing_never_loses_the_text_of_a_string(
    pairs: list[tuple[str, str]], form: str
) -> None:
    examples = [_chat(user, reply) for user, reply in pairs]
    result = _repair_text(_write(examples, form))
    kept: list[str] = []
    raw_text = ""
    for record in result.records:
        parsed = record.parse()
        if parsed.kind is RecordKind.BROKEN:
            raw_text += record.raw.decode("utf-8")
        elif parsed.value is not None:
            kept += _strings(parsed.value)
    for example in examples:
        for text in _strings(example):
            assert text in kept or json.dumps(text, ensure_ascii=False)[1:-1] in raw_text
