"""The dataset core: lossless open/save, atomic writes, editing with exact undo, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.core.dataset.jsonline import RecordKind
from desktop_app.core.dataset.records import BOM, Dataset, Record, open_error
from desktop_app.core.errors import DatasetOpenError, DatasetSaveError

CHAT = {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}


def write(tmp_path: Path, data: bytes, name: str = "data.jsonl") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# ---- round trips ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\n",
        b"\n\n\n",
        b'{"a": 1}',
        b'{"a": 1}\n',
        b'{"a": 1}\r\n{"b": 2}\r\n',
        b'{"a": 1}\r\n{"b": 2}',
        b'{"a": 1}\n{"b": 2}\r\n\r\n  \n',
        BOM + b'{"a": 1}\n',
        BOM,
        b"\xff\xfe garbage \x00\x01\n{}\n",
        b'{"a": NaN}\n{"b": Infinity}\n',
        b'{"a": 1, "a": 2}\n',
        b"[" * 100_000 + b"]" * 100_000 + b"\n",
        b'{"text": "' + b"x" * (5 * 1024 * 1024) + b'"}\n',
        b"\r\r\n\r",
        "é中文🙂".encode() + b"\n",
    ],
)
def test_open_then_save_returns_identical_bytes(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path, data)
    dataset = Dataset.open(path)
    out = tmp_path / "out.jsonl"
    dataset.save(out)
    assert out.read_bytes() == data


def test_realworld_files_round_trip(realworld_dir: Path, tmp_path: Path) -> None:
    files = sorted(realworld_dir.glob("*.jsonl"))
    assert len(files) == 10
    for source in files:
        dataset = Dataset.open(source)
        target = tmp_path / source.name
        dataset.save(target)
        assert target.read_bytes() == source.read_bytes(), source.name


_line = st.one_of(
    st.just(b""),
    st.just(b"   "),
    st.builds(
        lambda v: json.dumps(v, ensure_ascii=False).encode(),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=20),
            lambda kids: (
                st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=5), kids, max_size=3)
            ),
            max_leaves=10,
        ),
    ),
    st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"")),
    st.text(max_size=30).map(lambda t: t.replace("\n", "").encode("utf-8")),
)
_ending = st.sampled_from([b"\n", b"\r\n"])


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(st.tuples(_line, _ending), max_size=20),
    final_newline=st.booleans(),
    bom=st.booleans(),
)
def test_round_trip_property(
    lines: list[tuple[bytes, bytes]], final_newline: bool, bom: bool
) -> None:
    data = b"".join(raw + end for raw, end in lines)
    if lines and not final_newline:
        data = data[: -len(lines[-1][1])]
    if bom:
        data = BOM + data
    assert Dataset.from_bytes(data).to_bytes() == data


# ---- records and kinds ---------------------------------------------------------------------
def test_every_physical_line_is_a_record(tmp_path: Path) -> None:
    data = b'{"messages": []}\n\nnot json\n[1, 2]\n{"prompt": "p", "completion": "c"}\n'
    dataset = Dataset.open(write(tmp_path, data))
    kinds = [record.parse().kind for record in dataset]
    assert kinds == [
        RecordKind.CHAT,
        RecordKind.BLANK,
        RecordKind.BROKEN,
        RecordKind.BROKEN,
        RecordKind.OTHER,
    ]


def test_broken_lines_explain_themselves_in_plain_words() -> None:
    dataset = Dataset.from_bytes(b'{"messages": [}\n\xff\xfe\n{"a": NaN}\n[1]\n')
    errors = [record.parse().error for record in dataset]
    assert "not valid JSON" in errors[0]
    assert "not valid UTF-8" in errors[1] and "position 1" in errors[1]
    assert "NaN" in errors[2]
    assert "not an object" in errors[3]
    for error in errors:
        assert "Traceback" not in error and "JSONDecodeError" not in error


def test_duplicate_keys_are_reported_not_lost() -> None:
    dataset = Dataset.from_bytes(b'{"messages": [], "x": 1, "x": 2}\n')
    parsed = dataset[0].parse()
    assert parsed.duplicate_keys == ("x",)
    assert dataset.to_bytes() == b'{"messages": [], "x": 1, "x": 2}\n'


def test_preference_dataset_is_detected() -> None:
    line = {"input": {"messages": []}, "preferred_output": [], "non_preferred_output": []}
    assert Dataset.from_values([line, line]).kind == "preference"
    assert Dataset.from_values([CHAT]).kind == "chat"


# ---- editing ---------------------------------------------------------------------------------
def test_edit_changes_only_that_line(tmp_path: Path) -> None:
    original = b'{"messages":[],"keep":"\\u00e9"}\r\n{"messages": [], "z": 1, "a": 2}\r\n'
    dataset = Dataset.open(write(tmp_path, original))
    value = dataset.value(1)
    value["z"] = 3
    dataset.set_value(1, value)
    dataset.save()
    lines = (tmp_path / "data.jsonl").read_bytes().split(b"\r\n")
    assert lines[0] == b'{"messages":[],"keep":"\\u00e9"}'
    assert json.loads(lines[1]) == {"messages": [], "z": 3, "a": 2}
    assert list(json.loads(lines[1])) == ["messages", "z", "a"]  # unknown keys keep their order


def test_undo_by_restoring_old_record_gives_identical_bytes() -> None:
    data = b'{"messages": [ ] }\n{"b":2}'
    dataset = Dataset.from_bytes(data)
    old = dataset.set_value(0, CHAT)
    assert dataset.to_bytes() != data
    dataset.replace_record(0, old)
    assert dataset.to_bytes() == data


def test_insert_after_last_line_without_newline_keeps_that_style() -> None:
    dataset = Dataset.from_bytes(b'{"a":1}\r\n{"b":2}')
    dataset.insert_values(2, [{"c": 3}])
    assert dataset.to_bytes() == b'{"a":1}\r\n{"b":2}\r\n{"c":3}'


def test_remove_and_reinsert_restores_exact_bytes() -> None:
    data = b'{"a":1}\n\n{"b":2}\nbroken\n'
    dataset = Dataset.from_bytes(data)
    removed = dataset.remove(1, 2)
    assert dataset.to_bytes() == b'{"a":1}\nbroken\n'
    dataset.insert_records(1, removed)
    assert dataset.to_bytes() == data


def test_events_bracket_every_change() -> None:
    dataset = Dataset.from_values([CHAT, CHAT])
    seen: list[tuple[str, int, int]] = []
    dataset.inserting.connect(lambda s, c: seen.append(("inserting", s, c)))
    dataset.inserted.connect(lambda s, c: seen.append(("inserted", s, c)))
    dataset.removing.connect(lambda s, c: seen.append(("removing", s, c)))
    dataset.removed.connect(lambda s, c: seen.append(("removed", s, c)))
    dataset.changed.connect(lambda a, b: seen.append(("changed", a, b)))
    revision = dataset.revision
    dataset.insert_values(1, [CHAT])
    dataset.set_value(0, CHAT)
    dataset.remove(0, 2)
    assert seen == [
        ("inserting", 1, 1),
        ("inserted", 1, 1),
        ("changed", 0, 0),
        ("removing", 0, 2),
        ("removed", 0, 2),
    ]
    assert dataset.revision == revision + 3


def test_raw_text_edit_fixes_a_broken_line_and_stays_one_line() -> None:
    dataset = Dataset.from_bytes(b'{"messages": [}\n')
    dataset.set_text(0, '{"messages":\n []}')
    assert dataset[0].parse().kind is RecordKind.CHAT
    assert dataset.to_bytes().count(b"\n") == 1


def test_training_bytes_leave_out_blank_broken_and_bom() -> None:
    data = BOM + b'{"messages": [1]}\r\n\r\nbroken\r\n{"input": {}, "preferred_output": []}'
    dataset = Dataset.from_bytes(data)
    assert dataset.training_bytes() == (
        b'{"messages": [1]}\n{"input": {}, "preferred_output": []}\n'
    )
    assert dataset.training_bytes([3]) == b'{"input": {}, "preferred_output": []}\n'


def test_edited_lines_follow_the_files_json_style() -> None:
    compact = Dataset.from_bytes(b'{"prompt":"a","completion":"b"}\n')
    compact.set_value(0, {"messages": []})
    assert compact[0].raw == b'{"messages":[]}'
    spaced = Dataset.from_bytes(b'{"prompt": "a", "completion": "b"}\n')
    spaced.set_value(0, {"messages": [], "t": "é"})
    assert spaced[0].raw == '{"messages": [], "t": "é"}'.encode()


# ---- bad paths and failed saves -------------------------------------------------------------
def test_missing_file_and_folder_give_plain_errors(tmp_path: Path) -> None:
    with pytest.raises(DatasetOpenError, match="could not be found"):
        Dataset.open(tmp_path / "nope.jsonl")
    with pytest.raises(DatasetOpenError, match="is a folder"):
        Dataset.open(tmp_path)


def test_unreadable_file_gives_plain_error(tmp_path: Path) -> None:
    # Root (as in CI) may read any file, so the OS error is built here and mapped directly.
    error = open_error(tmp_path / "x.jsonl", PermissionError(13, "Permission denied"))
    assert (
        error.message
        == "“x.jsonl” could not be opened because you do not have permission to read it."
    )
    assert "Ask the file's owner" in error.next_step
    other = open_error(tmp_path / "x.jsonl", OSError(5, "Input/output error"))
    assert "Input/output error" in other.message and "Traceback" not in str(other)


def test_save_into_missing_folder_fails_cleanly_and_keeps_data(tmp_path: Path) -> None:
    dataset = Dataset.from_values([CHAT])
    target = tmp_path / "gone" / "x.jsonl"
    with pytest.raises(DatasetSaveError) as info:
        dataset.save(target)
    assert "folder no longer exists" in info.value.message
    assert len(dataset) == 1
    assert list(tmp_path.iterdir()) == []


def test_atomic_save_leaves_no_temp_files_and_keeps_mode(tmp_path: Path) -> None:
    path = write(tmp_path, b'{"a":1}\n')
    path.chmod(0o640)
    dataset = Dataset.open(path)
    dataset.set_value(0, {"a": 2})
    dataset.save()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.jsonl"]
    assert path.stat().st_mode & 0o777 == 0o640


def test_failed_write_leaves_the_old_file_untouched(tmp_path: Path) -> None:
    path = write(tmp_path, b'{"a":1}\n')

    def exploding_chunks():
        yield b'{"a":'
        raise OSError(28, "No space left on device")

    from desktop_app.core.files.atomic import write_atomic

    with pytest.raises(DatasetSaveError, match="disk is full"):
        write_atomic(path, exploding_chunks())
    assert path.read_bytes() == b'{"a":1}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.jsonl"]


def test_record_text_shows_undecodable_bytes_readably() -> None:
    assert Record(b"ab\xffc").text == "ab\ufffdc"
