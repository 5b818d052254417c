"""Reading and saving edges that mutation testing showed unguarded (docs/architecture.md, "Tests
that notice bugs"): lines that straddle two reads, a byte-order mark in the middle of a file,
the file's own line ending and JSON style for new lines, what a save clears, removing at the end,
and the exact words when a file cannot be opened. Every file here is a real file on disk."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from desktop_app.core.dataset import records as dataset_module
from desktop_app.core.dataset.records import BOM, Dataset, JsonStyle, open_error
from desktop_app.core.errors import DatasetOpenError


def _write(tmp_path: Path, data: bytes, name: str = "data.jsonl") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("chunk", [4, 5, 7, 64])  # the mark needs the first read (8 MiB)
def test_lines_that_straddle_two_reads_are_read_whole(
    chunk: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = BOM + b'{"a":1}\r\n{"bb":22}\n\n{"c":"\xc3\xa9"}\r\n{"d":4}'
    monkeypatch.setattr(dataset_module, "_READ_CHUNK", chunk)  # 8 MiB by default: hard to straddle
    heard: list[int] = []
    opened = Dataset.open(_write(tmp_path, data), on_bytes=heard.append)
    assert [(r.raw, r.ending) for r in opened] == [
        (b'{"a":1}', b"\r\n"),
        (b'{"bb":22}', b"\n"),
        (b"", b"\n"),
        (b'{"c":"\xc3\xa9"}', b"\r\n"),
        (b'{"d":4}', b""),
    ]
    assert opened.bom is True
    assert sum(heard) == len(data) and heard[-1] == 0  # every byte reported, then the end
    assert opened.to_bytes() == data


def test_a_byte_order_mark_inside_the_file_is_kept_as_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two files glued together: the second one's mark is data, even where a read begins.
    data = b'{"a":1}\n' + BOM + b'{"b":2}\n'
    monkeypatch.setattr(dataset_module, "_READ_CHUNK", 8)
    opened = Dataset.open(_write(tmp_path, data))
    assert opened.bom is False
    assert opened[1].raw == BOM + b'{"b":2}'
    assert opened.to_bytes() == data


def test_a_file_of_more_than_one_read_round_trips(tmp_path: Path) -> None:
    line = b'{"messages": [{"role": "user", "content": "' + b"x" * 1000 + b'"}]}\r\n'
    data = line * (9 * 1024)  # about 9 MiB: two reads of 8 MiB
    path = _write(tmp_path, data)
    heard: list[int] = []
    opened = Dataset.open(path, on_bytes=heard.append)
    assert len(opened) == 9 * 1024 and len(heard) == 3
    assert all(r.ending == b"\r\n" for r in opened)
    opened.save()
    assert path.read_bytes() == data


@pytest.mark.parametrize(
    ("data", "ending"),
    [
        (b'{"a":1}\r\n{"a":2}\r\n{"a":3}\n', b"\r\n"),
        (b'{"a":1}\r\n{"a":2}\n{"a":3}\n', b"\n"),
        (b'{"a":1}\r\n{"a":2}\n', b"\n"),  # a tie: LF
        (b'{"a":1}\r\n', b"\r\n"),
        (b'{"a":1}', b"\n"),
    ],
)
def test_new_lines_take_the_files_most_common_ending(data: bytes, ending: bytes) -> None:
    opened = Dataset.from_bytes(data)
    assert opened.ending == ending
    assert opened.make_record({"b": 1}).ending == ending


def test_only_the_first_thousand_lines_decide_the_ending() -> None:
    tie = b'{"a":1}\n{"a":1}\r\n' * 500 + b'{"a":1}\r\n' * 3  # a tie in the first thousand
    assert Dataset.from_bytes(tie).ending == b"\n"
    data = b'{"a":1}\n' * 1000 + b'{"a":1}\r\n' * 1001 + b'{"a":1}\n' * 2
    assert Dataset.from_bytes(data).ending == b"\n"
    data = b'{"a":1}\r\n' * 1000 + b'{"a":1}\n' * 1001
    assert Dataset.from_bytes(data).ending == b"\r\n"


@pytest.mark.parametrize(
    ("lines", "separators", "ensure_ascii"),
    [
        ([b'{"a":1,"b":2}'], (",", ":"), False),
        ([b'{"a": 1, "b": 2}'], (", ", ": "), False),
        ([b'{"a":1,"b":2}', b'{"a": 1, "b": 2}'], (", ", ": "), False),  # a tie: spaced
        ([b'{"a":1,"b":2}', b'{"a":1,"b":2}', b'{"a": 1}'], (",", ":"), False),
        ([b'{"a": 1}', b'{"a": 1}', b'{"a":1,"b":2}'], (", ", ": "), False),
        ([b'{"a": 1, "b":2}'], (", ", ": "), False),  # one spaced colon is enough
        ([b'{"a": "\\u00e9"}'], (", ", ": "), True),
        ([b'{"a": "\\u00e9 \xc3\xa9"}'], (", ", ": "), False),  # escapes beside UTF-8: no
        ([b'{"a": "\\u20ac"}'], (", ", ": "), False),
        ([b'{"a": 1}', b'{"a": "\\u00e9"}', b'{"a": 2}'], (", ", ": "), True),
    ],
)
def test_the_json_style_is_read_from_the_file(
    lines: list[bytes], separators: tuple[str, str], ensure_ascii: bool
) -> None:
    style = Dataset.from_bytes(b"\n".join(lines) + b"\n").style
    assert style == JsonStyle(separators=separators, ensure_ascii=ensure_ascii)


def test_only_the_first_fifty_lines_decide_the_style() -> None:
    data = b'{"a": 1}\n' * 50 + b'{"a":1,"b":2}\n' * 51
    assert Dataset.from_bytes(data).style.separators == (", ", ": ")
    data = b'{"a": "x"}\n' * 50 + b'{"a": "\\u00e9"}\n'
    assert Dataset.from_bytes(data).style.ensure_ascii is False


def test_a_file_of_ascii_escapes_gets_escaped_edits() -> None:
    opened = Dataset.from_bytes(b'{"t": "caf\\u00e9"}\n')
    opened.set_value(0, {"t": "thé"})
    assert opened[0].raw == b'{"t": "th\\u00e9"}'
    assert JsonStyle().dumps({"t": "é"}) == '{"t": "é"}'.encode()


def test_every_kind_of_edit_marks_its_line_and_keeps_its_ending(tmp_path: Path) -> None:
    path = _write(tmp_path, b'{"a":1}\r\n{"a":2}\r\n')
    opened = Dataset.open(path)
    opened.set_value(0, {"a": 10})
    opened.set_text(1, '{"a":\r\n 20}')
    [added] = opened.insert_values(2, [{"a": 30}])
    raw = opened.make_raw_record("x")
    assert (raw.edited, raw.ending) == (True, b"\r\n")
    assert [(r.edited, r.ending) for r in opened] == [(True, b"\r\n")] * 3
    assert opened[1].raw == b'{"a":  20}' and added is opened[2]
    opened.save()
    assert path.read_bytes() == b'{"a":10}\r\n{"a":  20}\r\n{"a":30}\r\n'
    assert [r.edited for r in opened] == [False, False, False]


def test_saving_to_a_new_place_makes_that_the_files_place(tmp_path: Path) -> None:
    opened = Dataset.from_bytes(b'{"a":1}\n', path=tmp_path / "old.jsonl")
    assert opened.path == tmp_path / "old.jsonl" and opened.bom is False
    opened.save(tmp_path / "new.jsonl")
    assert opened.path == tmp_path / "new.jsonl"
    opened.set_value(0, {"a": 2})
    opened.save()
    assert (tmp_path / "new.jsonl").read_bytes() == b'{"a":2}\n'
    assert not (tmp_path / "old.jsonl").exists()
    values = Dataset.from_values([{"a": 1}], path=tmp_path / "v.jsonl")
    assert values.path == tmp_path / "v.jsonl" and values.revision == 0


def test_a_dataset_that_was_never_saved_asks_for_a_path() -> None:
    with pytest.raises(
        ValueError, match=r"^save\(\) needs a path for a dataset that was never saved$"
    ):
        Dataset().save()
    assert len(Dataset()) == 0 and Dataset().bom is False


def test_adding_after_a_last_line_without_newline_in_the_middle_is_left_alone() -> None:
    opened = Dataset.from_bytes(b'{"a":1}\n{"b":2}')
    opened.insert_values(1, [{"c": 3}])
    assert opened.to_bytes() == b'{"a":1}\n{"c":3}\n{"b":2}'
    empty = Dataset()
    empty.insert_values(5, [{"a": 1}])
    assert empty.to_bytes() == b'{"a": 1}\n'


def test_adding_at_the_end_moves_the_missing_newline_of_a_longer_file() -> None:
    opened = Dataset.from_bytes(b'{"a":1}\n{"b":2}\n{"c":3}')
    opened.insert_values(3, [{"d": 4}, {"e": 5}])
    assert opened.to_bytes() == b'{"a":1}\n{"b":2}\n{"c":3}\n{"d":4}\n{"e":5}'


def test_removing_counts_lines_from_the_index_and_stops_at_the_end() -> None:
    opened = Dataset.from_bytes(b"1\n2\n3\n4\n")
    assert [r.raw for r in opened.remove(1)] == [b"2"]
    assert opened.to_bytes() == b"1\n3\n4\n"
    assert [r.raw for r in opened.remove(2, 5)] == [b"4"]
    assert opened.remove(3) == [] and opened.remove(2, 0) == []
    revision = opened.revision
    assert opened.remove(5, 1) == [] and opened.revision == revision
    assert opened.to_bytes() == b"1\n3\n"


def test_the_value_of_a_blank_or_broken_line_is_none() -> None:
    opened = Dataset.from_bytes(b'{"a":1}\n\nbroken\n[1, 2]\n"text"\n')
    assert [opened.value(i) for i in range(5)] == [{"a": 1}, None, None, None, None]
    assert opened[3].parse().value == [1, 2]  # JSON, but not an example: no value to edit


def test_replacing_everything_announces_a_reset() -> None:
    opened = Dataset.from_bytes(b"1\n")
    heard: list[str] = []
    opened.reset.connect(lambda: heard.append("reset"))
    old = opened.replace_all(list(Dataset.from_bytes(b"2\n3\n")))
    assert heard == ["reset"] and [r.raw for r in old] == [b"1"] and len(opened) == 2


@pytest.mark.parametrize(
    ("error", "message", "step"),
    [
        (
            FileNotFoundError(errno.ENOENT, "No such file"),
            "“x.jsonl” could not be found.",
            "Check that the file still exists, or pick it again with Open.",
        ),
        (
            IsADirectoryError(errno.EISDIR, "Is a directory"),
            "“x.jsonl” is a folder, not a dataset file.",
            "Open the .jsonl file inside it instead.",
        ),
        (
            PermissionError(errno.EACCES, "Permission denied"),
            "“x.jsonl” could not be opened because you do not have permission to read it.",
            "Ask the file's owner for access, or copy it somewhere you can read it.",
        ),
        (
            OSError(errno.EIO, "Input/output error"),
            "“x.jsonl” could not be read (Input/output error).",
            "Check the file (is the disk or network drive still there?) and try again.",
        ),
        (OSError("no reason given"), "“x.jsonl” could not be read (the system refused).", None),
    ],
)
def test_each_reason_a_file_cannot_be_opened_has_its_words(
    error: OSError, message: str, step: str | None, tmp_path: Path
) -> None:
    reported = open_error(tmp_path / "x.jsonl", error)
    assert isinstance(reported, DatasetOpenError)
    assert reported.message == message
    assert reported.next_step == (
        step or "Check the file (is the disk or network drive still there?) and try again."
    )


def test_an_unexpected_read_error_keeps_its_technical_detail(tmp_path: Path) -> None:
    reported = open_error(tmp_path / "x.jsonl", OSError(errno.EIO, "Input/output error"))
    assert reported.technical == "OSError: [Errno 5] Input/output error"


def test_a_folder_is_refused_with_its_words(tmp_path: Path) -> None:
    with pytest.raises(DatasetOpenError) as refused:
        Dataset.open(tmp_path)
    assert refused.value.next_step == "Open the .jsonl file inside it instead."


def test_a_named_pipe_is_refused_with_its_words(tmp_path: Path) -> None:
    pipe = tmp_path / "live.jsonl"
    os.mkfifo(pipe)
    with pytest.raises(DatasetOpenError) as refused:
        Dataset.open(pipe)
    assert refused.value.message == (
        "“live.jsonl” is not a regular file: it is a named pipe (FIFO), which cannot be opened "
        "as a dataset."
    )
    assert refused.value.next_step == "Save the data to a .jsonl file first, then open that file."
