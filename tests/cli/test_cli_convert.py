"""`ftstudio convert`: formats chosen from the extensions, notes printed, plain errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

Run = Callable[..., Any]  # the ftstudio fixtures in conftest.py


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_csv_to_jsonl(ftstudio_process: Run, tmp_path: Path) -> None:
    source = tmp_path / "faq.csv"
    source.write_text(
        "Question,Answer\nHow do I reset it?,Hold the button.\nEmpty?,\n", encoding="utf-8"
    )
    target = tmp_path / "faq.jsonl"
    ran = ftstudio_process(
        "convert",
        source,
        target,
        "--prompt-column",
        "Question",
        "--response-column",
        "Answer",
        "--system",
        "Be helpful.",
    )
    assert ran.code == 0, ran.err
    assert ran.out.splitlines()[0] == f"Wrote 1 example to {target}."
    assert "  - Row 3 has an empty reply, so it was skipped." in ran.out
    assert _lines(target) == [
        {
            "messages": [
                {"role": "system", "content": "Be helpful."},
                {"role": "user", "content": "How do I reset it?"},
                {"role": "assistant", "content": "Hold the button."},
            ]
        }
    ]


def test_xlsx_and_txt_to_jsonl(ftstudio: Run, tmp_path: Path) -> None:
    book = tmp_path / "book.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["prompt", "response"])
    sheet.append(["Hi", "Hello"])
    workbook.save(book)
    assert ftstudio("convert", book, tmp_path / "book.jsonl").code == 0
    assert len(_lines(tmp_path / "book.jsonl")) == 1
    script = tmp_path / "script.txt"
    script.write_text(
        "User: Hi\nAssistant: Hello\n\nUser: Bye\nAssistant: Ciao\n", encoding="utf-8"
    )
    ran = ftstudio("convert", script, tmp_path / "script.jsonl")
    assert ran.code == 0 and "Wrote 2 examples" in ran.out


def test_legacy_jsonl_to_chat(ftstudio_process: Run, realworld_dir: Path, tmp_path: Path) -> None:
    source = (
        realworld_dir
        / "ThePyth0nKid_schornsteinfeger-mangelgenerator__training_data_prepared.jsonl"
    )
    target = tmp_path / "chat.jsonl"
    ran = ftstudio_process("convert", source, target)
    assert ran.code == 0, ran.err
    assert "Wrote 33 examples" in ran.out
    assert all(set(v) == {"messages"} for v in _lines(target))


def test_chat_jsonl_to_csv_and_back(ftstudio: Run, realworld_dir: Path, tmp_path: Path) -> None:
    source = realworld_dir / "yangzhijiany_hoshino_cat__example.jsonl"
    table = tmp_path / "cat.csv"
    ran = ftstudio("convert", source, table)
    assert ran.code == 0, ran.err
    assert "Wrote 37 rows" in ran.out
    back = tmp_path / "cat.jsonl"
    ran = ftstudio("convert", table, back)
    assert ran.code == 0
    assert "Row 37 has an empty reply" in ran.out and "Row 38 has an empty user message" in ran.out
    original = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()][:35]
    assert _lines(back) == original


def test_already_chat_jsonl_cannot_be_converted_to_jsonl(
    ftstudio: Run, realworld_dir: Path, tmp_path: Path
) -> None:
    ran = ftstudio(
        "convert", realworld_dir / "yangzhijiany_hoshino_cat__example.jsonl", tmp_path / "x.jsonl"
    )
    assert ran.code == 1
    assert "no prompt/completion examples" in ran.err


@pytest.mark.parametrize(
    ("source_name", "target_name", "phrase"),
    [
        ("a.csv", "b.txt", "must end in .jsonl or .csv"),
        ("a.csv", "b.csv", "Only a chat .jsonl file"),
        ("a.pdf", "b.jsonl", "cannot be converted"),
    ],
)
def test_unsupported_combinations(
    ftstudio: Run, tmp_path: Path, source_name: str, target_name: str, phrase: str
) -> None:
    source = tmp_path / source_name
    source.write_text("prompt,response\nHi,Hello\n", encoding="utf-8")
    ran = ftstudio("convert", source, tmp_path / target_name)
    assert ran.code == 1 and phrase in ran.err
    assert not (tmp_path / target_name).exists() or target_name == source_name


def test_no_examples_at_all_is_an_error_that_explains(ftstudio: Run, tmp_path: Path) -> None:
    source = tmp_path / "a.csv"
    source.write_text("prompt,response\nHi,\n", encoding="utf-8")
    ran = ftstudio("convert", source, tmp_path / "a.jsonl")
    assert ran.code == 1
    assert "No examples could be made" in ran.err and "empty reply" in ran.err
    assert not (tmp_path / "a.jsonl").exists()


def test_output_is_not_replaced_without_force(ftstudio: Run, tmp_path: Path) -> None:
    source = tmp_path / "a.csv"
    source.write_text("prompt,response\nHi,Hello\n", encoding="utf-8")
    target = tmp_path / "a.jsonl"
    target.write_text("keep me\n", encoding="utf-8")
    ran = ftstudio("convert", source, target)
    assert ran.code == 1 and "already exists" in ran.err
    assert target.read_text(encoding="utf-8") == "keep me\n"
    assert ftstudio("convert", source, target, "--force").code == 0
    assert len(_lines(target)) == 1


def test_input_cannot_be_the_output(ftstudio: Run, tmp_path: Path) -> None:
    source = tmp_path / "legacy.jsonl"
    source.write_text(json.dumps({"prompt": "a", "completion": "b"}) + "\n", encoding="utf-8")
    ran = ftstudio("convert", source, source, "--force")
    assert ran.code == 1 and "cannot also be the output" in ran.err
    assert json.loads(source.read_text(encoding="utf-8")) == {"prompt": "a", "completion": "b"}


def test_missing_input_exits_2(ftstudio_process: Run, tmp_path: Path) -> None:
    for name in ("none.csv", "none.xlsx", "none.txt", "none.jsonl"):
        ran = ftstudio_process("convert", tmp_path / name, tmp_path / "out.jsonl")
        assert ran.code == 2, (name, ran.err)
        assert "could not be found" in ran.err and "Traceback" not in ran.err
