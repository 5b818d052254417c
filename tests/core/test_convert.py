"""Conversions to and from chat examples; every skip or change is reported in the notes."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from desktop_app.core.convert import (
    Conversion,
    ConversionError,
    chat_to_rows,
    csv_to_chat,
    import_file,
    legacy_to_chat,
    script_to_chat,
    write_csv,
    write_jsonl,
    xlsx_to_chat,
)
from desktop_app.core.dataset.records import Dataset
from desktop_app.core.errors import DatasetOpenError


def chat(user: str, reply: str, system: str = "") -> dict[str, Any]:
    messages = [{"role": "system", "content": system}] if system else []
    return {
        "messages": [
            *messages,
            {"role": "user", "content": user},
            {"role": "assistant", "content": reply},
        ]
    }


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _note(notes: list[str], *fragments: str) -> str:
    found = [n for n in notes if all(f in n for f in fragments)]
    assert found, f"no note with {fragments} in {notes}"
    return found[0]


# ---- CSV / TSV ----------------------------------------------------------------------------------
def test_csv_with_named_columns_and_system(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "qa.csv",
        'id,Question,Answer\n1,What is 2+2?,4\n2,"Capital of France?","Paris, of course."\n',
    )
    values, notes = csv_to_chat(path, "question", "ANSWER", system="Be brief.")
    assert values == [
        chat("What is 2+2?", "4", "Be brief."),
        chat("Capital of France?", "Paris, of course.", "Be brief."),
    ]
    _note(notes, "“Question”", "“Answer”")
    _note(notes, "not used", "“id”")


def test_a_table_can_be_converted_twice(tmp_path: Path) -> None:
    from desktop_app.core.convert import read_csv_table, table_to_chat

    table = read_csv_table(_write(tmp_path / "a.csv", "a,b,c\nx,y,z\n"))
    first = table_to_chat(table, "a", "b")
    second = table_to_chat(table, "b", "c")
    assert first.values == [chat("x", "y")] and second.values == [chat("y", "z")]
    assert sum("Used the column" in note for note in second.notes) == 1


def test_csv_guesses_common_column_names(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.csv", "prompt,response\nHi,Hello\n")
    assert csv_to_chat(path).values == [chat("Hi", "Hello")]


def test_csv_with_two_unnamed_columns_uses_them_in_order(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.csv", "Frage,Antwort\nWie geht's?,Gut.\n")
    values, notes = csv_to_chat(path)
    assert values == [chat("Wie geht's?", "Gut.")]
    _note(notes, "“Frage”", "user's messages")


def test_unclear_columns_are_a_plain_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.csv", "a,b,c\n1,2,3\n")
    with pytest.raises(ConversionError) as info:
        csv_to_chat(path)
    assert "“a”, “b”, “c”" in info.value.message and "--prompt-column" in info.value.next_step


def test_missing_named_column(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.csv", "prompt,response\nHi,Hello\n")
    with pytest.raises(ConversionError) as info:
        csv_to_chat(path, prompt_column="question")
    assert "no column named “question”" in info.value.message


def test_same_column_twice(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.csv", "prompt,response\nHi,Hello\n")
    with pytest.raises(ConversionError, match="both"):
        csv_to_chat(path, prompt_column="prompt", response_column="prompt")


def test_rows_with_empty_cells_are_reported_not_hidden(tmp_path: Path) -> None:
    text = (
        "prompt,response\nHi,Hello\nNo reply,\n,Orphan reply\n,\nAlso no reply,   \nBye,See you\n"
    )
    values, notes = csv_to_chat(_write(tmp_path / "a.csv", text))
    assert values == [chat("Hi", "Hello"), chat("Bye", "See you")]
    assert _note(notes, "empty reply") == "Rows 3 and 6 have an empty reply, so they were skipped."
    assert (
        _note(notes, "empty user message") == "Row 4 has an empty user message, so it was skipped."
    )
    _note(notes, "Skipped 1 empty row")


def test_cells_are_trimmed_and_that_is_said(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.csv", 'prompt,response\n"  Hi  ","Hello\n"\n')
    values, notes = csv_to_chat(path)
    assert values == [chat("Hi", "Hello")]
    _note(notes, "Removed spaces", "2 cells")


def test_multiline_cells_and_quotes_survive(tmp_path: Path) -> None:
    rows = [
        ["prompt", "response"],
        ['Say "hi"\non two lines', "Line one\n\nLine three, with a comma"],
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    values, _ = csv_to_chat(_write(tmp_path / "a.csv", buffer.getvalue()))
    assert values == [chat('Say "hi"\non two lines', "Line one\n\nLine three, with a comma")]


def test_semicolon_csv_and_bom(tmp_path: Path) -> None:
    path = _write(tmp_path / "excel.csv", "\ufeffprompt;response\nHallo;Servus, Welt\n")
    values, notes = csv_to_chat(path)
    assert values == [chat("Hallo", "Servus, Welt")]
    _note(notes, "semicolons")


def test_windows_encoded_csv_is_read_with_a_note(tmp_path: Path) -> None:
    path = _write(tmp_path / "old.csv", "prompt,response\nCafé?,Olé!\n", encoding="cp1252")
    values, notes = csv_to_chat(path)
    assert values == [chat("Café?", "Olé!")]
    _note(notes, "not UTF-8", "cp1252")


def test_tsv(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.tsv", "prompt\tresponse\tsystem\nHi, you\tHello\tBe nice\n")
    values, notes = import_file(path)
    assert values == [chat("Hi, you", "Hello", "Be nice")]
    _note(notes, "“system”", "system messages")


def test_system_column_wins_over_system_text_per_row(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.csv", "system,user,assistant\nOwn system,Hi,Hello\n,Hey,Yo\n")
    values, _ = csv_to_chat(path, system="Default system")
    assert values == [chat("Hi", "Hello", "Own system"), chat("Hey", "Yo", "Default system")]


def test_extra_cells_are_reported(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.csv", "prompt,response\nHi,Hello,stray\nShort\n")
    values, notes = csv_to_chat(path)
    assert values == [chat("Hi", "Hello")]
    _note(notes, "Row 2 has more cells")
    _note(notes, "Row 3 has an empty reply")


@pytest.mark.parametrize("text", ["", "\n\n", ",,\n"])
def test_empty_table(tmp_path: Path, text: str) -> None:
    with pytest.raises(ConversionError, match="is empty"):
        csv_to_chat(_write(tmp_path / "a.csv", text))


def test_header_after_empty_rows(tmp_path: Path) -> None:
    values, notes = csv_to_chat(_write(tmp_path / "a.csv", "\n,\nprompt,response\nHi,Hello\n"))
    assert values == [chat("Hi", "Hello")]
    _note(notes, "row 3 was used as the header")


def test_many_skipped_rows_are_listed_briefly(tmp_path: Path) -> None:
    text = "prompt,response\n" + "".join(f"q{i},\n" for i in range(15))
    _, notes = csv_to_chat(_write(tmp_path / "a.csv", text))
    assert _note(notes, "empty reply") == (
        "Rows 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, … (15 in all) have an empty reply, so they were skipped."
    )


def test_unreadable_csv_paths(tmp_path: Path) -> None:
    with pytest.raises(DatasetOpenError, match="could not be found"):
        csv_to_chat(tmp_path / "missing.csv")
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    with pytest.raises(DatasetOpenError, match="is a folder"):
        csv_to_chat(folder)


# ---- XLSX ---------------------------------------------------------------------------------------
def _workbook(path: Path, rows: list[list[Any]], extra_sheet: bool = False) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Examples"
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        workbook.create_sheet("Notes").append(["ignored"])
    workbook.save(path)
    return path


def test_xlsx(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "book.xlsx",
        [
            ["Question", "Answer", "Notes"],
            ["How many legs does a spider have?", 8, "number cell"],
            ["When did it happen?", datetime(2024, 5, 1), None],
            ["Is it true?", True, None],
            ["Pi?", 3.14, None],
            [None, None, None],
            ["No answer", None, None],
        ],
        extra_sheet=True,
    )
    values, notes = xlsx_to_chat(path)
    assert values == [
        chat("How many legs does a spider have?", "8"),
        chat("When did it happen?", "2024-05-01"),
        chat("Is it true?", "TRUE"),
        chat("Pi?", "3.14"),
    ]
    _note(notes, "2 sheets", "“Examples”")
    _note(notes, "4 cells held numbers")
    _note(notes, "Row 7 has an empty reply")
    _note(notes, "Skipped 1 empty row")
    _note(notes, "not used", "“Notes”")


def test_not_really_an_xlsx(tmp_path: Path) -> None:
    path = _write(tmp_path / "fake.xlsx", "prompt,response\n")
    with pytest.raises(DatasetOpenError) as info:
        import_file(path)
    assert "Excel workbook" in info.value.message and ".csv" in info.value.next_step


def test_old_xls_is_refused_plainly(tmp_path: Path) -> None:
    with pytest.raises(ConversionError, match=r"old Excel format"):
        import_file(_write(tmp_path / "a.xls", "x"))


def test_unknown_input_type(tmp_path: Path) -> None:
    with pytest.raises(ConversionError) as info:
        import_file(_write(tmp_path / "a.docx", "x"))
    assert ".csv, .tsv, .xlsx or .txt" in info.value.next_step


# ---- legacy prompt/completion -------------------------------------------------------------------
def _legacy(tmp_path: Path, lines: list[Any]) -> Dataset:
    text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n"
    path = _write(tmp_path / "legacy.jsonl", text)
    return Dataset.open(path)


def test_legacy_separators_are_removed_when_every_example_uses_them(tmp_path: Path) -> None:
    dataset = _legacy(
        tmp_path,
        [
            {"prompt": "Summarize: cats sleep a lot\n\n###\n\n", "completion": " Cats nap. END"},
            {"prompt": "Summarize: dogs bark\n\n###\n\n", "completion": " Dogs are loud.\nEND"},
        ],
    )
    values, notes = legacy_to_chat(dataset, system="You summarize.")
    assert values == [
        chat("Summarize: cats sleep a lot", "Cats nap.", "You summarize."),
        chat("Summarize: dogs bark", "Dogs are loud.", "You summarize."),
    ]
    _note(notes, "“###”", "every prompt (2)")
    _note(notes, "“END”", "every completion (2)")
    _note(notes, "start or end of 2 completions")


def test_arrow_separator(tmp_path: Path) -> None:
    dataset = _legacy(
        tmp_path,
        [
            {"prompt": "dog ->", "completion": " chien\n"},
            {"prompt": "cat ->", "completion": " chat\n"},
        ],
    )
    assert legacy_to_chat(dataset).values == [chat("dog", "chien"), chat("cat", "chat")]


def test_markers_used_by_only_some_examples_stay(tmp_path: Path) -> None:
    dataset = _legacy(
        tmp_path,
        [
            {"prompt": "Tell a story", "completion": "Once upon a time... THE END"},
            {"prompt": "Say hi", "completion": "Hi"},
            {"prompt": "A word for going?", "completion": "ATTEND"},
        ],
    )
    values, notes = legacy_to_chat(dataset)
    assert values[0] == chat("Tell a story", "Once upon a time... THE END")
    assert values[2] == chat("A word for going?", "ATTEND")
    _note(notes, "Some completions end with “END” but not all")


def test_end_inside_a_word_is_not_a_marker(tmp_path: Path) -> None:
    dataset = _legacy(
        tmp_path, [{"prompt": "a", "completion": "ATTEND"}, {"prompt": "b", "completion": "BLEND"}]
    )
    values, notes = legacy_to_chat(dataset)
    assert [v["messages"][1]["content"] for v in values] == ["ATTEND", "BLEND"]
    assert not any("END" in n for n in notes)


def test_legacy_file_with_everything_wrong(tmp_path: Path) -> None:
    chat_line = chat("Already chat", "Yes")
    dataset = _legacy(
        tmp_path,
        [
            {"prompt": "Good", "completion": "Fine"},
            "",
            "{not json",
            {"text": "neither"},
            {"prompt": 5, "completion": "number prompt"},
            {"prompt": "Empty reply", "completion": "   "},
            {"prompt": "", "completion": "No prompt"},
            {"prompt": "Extra", "completion": "Fields", "id": 7, "source": "web"},
            chat_line,
        ],
    )
    values, notes = legacy_to_chat(dataset)
    assert values == [chat("Good", "Fine"), chat("Extra", "Fields"), chat_line]
    assert _note(notes, "not valid JSON") == "Line 3 was not valid JSON, so it was not converted."
    _note(notes, "Line 4 has neither a prompt and completion nor chat messages")
    _note(notes, "Line 5 has a prompt or completion that is not text")
    _note(notes, "Line 6 has an empty completion")
    _note(notes, "Line 7 has an empty prompt")
    _note(notes, "Line 8 has other fields (id, source)")
    _note(notes, "1 line already held chat")
    _note(notes, "Skipped 1 blank line")


def test_a_chat_file_is_not_legacy(tmp_path: Path) -> None:
    with pytest.raises(ConversionError) as info:
        legacy_to_chat(_legacy(tmp_path, [chat("a", "b")]))
    assert "no prompt/completion examples" in info.value.message


def test_realworld_legacy_file(realworld_dir: Path) -> None:
    path = (
        realworld_dir
        / "ThePyth0nKid_schornsteinfeger-mangelgenerator__training_data_prepared.jsonl"
    )
    values, notes = import_file(path)
    assert len(values) == 33
    assert all(v["messages"][1]["content"].endswith("Bemerkungen:") for v in values)
    _note(notes, "33 completions")


# ---- plain-text scripts -------------------------------------------------------------------------
def test_script_with_blank_line_separators() -> None:
    text = (
        "System: You are a pirate.\n"
        "User: Hello\n"
        "Assistant: Ahoy!\n"
        "\n"
        "User: How are you?\n"
        "Assistant: Shipshape.\n"
        "Still the same reply.\n"
        "\n"
        "A second paragraph of it.\n"
        "User: And the sea?\n"
        "Assistant: Wet.\n"
    )
    values, notes = script_to_chat(text)
    assert values == [
        chat("Hello", "Ahoy!", "You are a pirate."),
        {
            "messages": [
                {"role": "user", "content": "How are you?"},
                {
                    "role": "assistant",
                    "content": "Shipshape.\nStill the same reply.\n\nA second paragraph of it.",
                },
                {"role": "user", "content": "And the sea?"},
                {"role": "assistant", "content": "Wet."},
            ]
        },
    ]
    assert notes == []


def test_script_with_dashes_keeps_blank_lines_inside_examples() -> None:
    text = "user: Hi\n\nassistant: Hello\n\nUSER: More?\n\nAssistant:   Sure.\n---\nUser: Two\nAssistant: Second\n"
    values, notes = script_to_chat(text, system="Be kind.")
    assert values == [
        {
            "messages": [
                {"role": "system", "content": "Be kind."},
                {"role": "user", "content": "Hi"},
                {"role": "assistant", "content": "Hello"},
                {"role": "user", "content": "More?"},
                {"role": "assistant", "content": "Sure."},
            ]
        },
        chat("Two", "Second", "Be kind."),
    ]
    _note(notes, "“---”")


def test_system_turn_starts_a_new_example_after_a_reply() -> None:
    text = "System: A\nUser: 1\nAssistant: one\nSystem: B\nUser: 2\nAssistant: two\n"
    assert script_to_chat(text).values == [chat("1", "one", "A"), chat("2", "two", "B")]


def test_script_problems_are_reported() -> None:
    text = (
        "Some title line\n"
        "by the author\n"
        "\n"
        "User: No reply here\n"
        "---\n"
        "User: Empty reply\n"
        "Assistant:\n"
        "---\n"
        "User: Fine\n"
        "Assistant: Good\n"
    )
    values, notes = script_to_chat(text)
    assert values == [chat("Fine", "Good")]
    assert _note(notes, "label") == (
        "Lines 1 and 2 came before any “User:”, “Assistant:” or “System:” label, so they were left out."
    )
    _note(notes, "starting at line 4 has no “Assistant:” reply")
    _note(notes, "starting at line 6 has an empty reply")


def test_script_from_a_txt_file_with_crlf(tmp_path: Path) -> None:
    path = _write(tmp_path / "script.txt", "\ufeffUser: Hi\r\nAssistant: Hello\r\n")
    assert import_file(path).values == [chat("Hi", "Hello")]


def test_empty_script() -> None:
    assert script_to_chat("") == Conversion([], [])


# ---- chat → CSV ---------------------------------------------------------------------------------
def _dataset(lines: list[Any]) -> Dataset:
    text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
    return Dataset.from_bytes(text.encode())


def test_chat_to_rows_single_and_multi_turn() -> None:
    multi = {
        "messages": [
            {"role": "system", "content": "S1"},
            {"role": "user", "content": "Q1"},
            {"role": "assistant", "content": "A1", "weight": 0},
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "Q2"},
                    {"type": "image_url", "image_url": {"url": "x"}},
                ],
            },
            {"role": "assistant", "content": "A2"},
        ]
    }
    rows, notes = chat_to_rows(_dataset([chat("Hi", "Hello", "Sys"), multi]))
    assert rows == [
        {"system": "Sys", "user": "Hi", "assistant": "Hello"},
        {"system": "S1", "user": "User: Q1\n\nAssistant: A1\n\nUser: Q2", "assistant": "A2"},
    ]
    _note(notes, "Line 2 has reply weights")
    _note(notes, "Line 2 has images")
    images = {
        "messages": [
            {"role": "user", "content": [{"type": "image_url"}]},
            {"role": "assistant", "content": [{"type": "image_url"}]},
        ]
    }
    _, notes = chat_to_rows(_dataset([chat("a", "b"), images]))
    assert notes == ["Line 2 has images or other parts that are not text; they were left out."]


def test_chat_to_rows_reports_what_a_table_cannot_hold() -> None:
    pair = {"input": {"messages": []}, "preferred_output": [], "non_preferred_output": []}
    trailing = {
        "messages": [
            {"role": "user", "content": "Q"},
            {"role": "assistant", "content": "A"},
            {"role": "user", "content": "Q again"},
        ]
    }
    tools = {
        "messages": [
            {"role": "user", "content": "Weather?"},
            {
                "role": "assistant",
                "tool_calls": [
                    {"id": "1", "type": "function", "function": {"name": "w", "arguments": "{}"}}
                ],
            },
            {"role": "tool", "tool_call_id": "1", "content": "Sunny"},
            {"role": "assistant", "content": "It is sunny."},
        ]
    }
    lines = [
        chat("a", "b"),
        "",
        "{bad",
        {"prompt": "p", "completion": "c"},
        pair,
        {"messages": [{"role": "user", "content": "x"}]},
        trailing,
        tools,
        {"messages": [{"role": "user", "content": 5}, {"role": "assistant", "content": "n"}]},
    ]
    rows, notes = chat_to_rows(_dataset(lines))
    assert [r["assistant"] for r in rows] == ["b", "A", "It is sunny.", "n"]
    assert rows[2]["user"] == "User: Weather?\n\nTool: Sunny"
    assert rows[3]["user"] == ""
    _note(notes, "Line 3 was not valid JSON")
    _note(notes, "Line 4 was not a chat example")
    _note(notes, "Line 5 has a preference pair")
    _note(notes, "Line 6 has no assistant reply")
    _note(notes, "Line 7 has messages after the last reply")
    _note(notes, "Line 8 has tool calls")
    _note(notes, "Line 9 has message content that is not text")


def test_only_preference_pairs_cannot_become_a_table() -> None:
    pair = {"input": {"messages": []}, "preferred_output": [], "non_preferred_output": []}
    with pytest.raises(ConversionError) as info:
        chat_to_rows(_dataset([pair]))
    assert "Preference pairs" in info.value.next_step


def test_csv_round_trip(tmp_path: Path) -> None:
    values = [
        chat("Héllo, “quoted”\nsecond line", "Ça va? 日本語 🎉", "Sys, with comma"),
        chat("Q", "A"),
    ]
    rows, _ = chat_to_rows(Dataset.from_values(values))
    path = tmp_path / "out.csv"
    write_csv(rows, path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfsystem,user,assistant\r\n")
    assert import_file(path).values == values


def test_write_jsonl(tmp_path: Path) -> None:
    values = [chat("é", "ü")]
    path = tmp_path / "out.jsonl"
    write_jsonl(values, path)
    assert path.read_bytes().decode("utf-8").endswith("\n")
    assert [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] == values
