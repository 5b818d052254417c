"""Atomic-write edges that mutation testing showed unguarded (docs/architecture.md, "Tests that
notice bugs"): which leftover temporaries are removed and how many, the mode of a new file, the
status returned for the file written, and the exact words for each reason a save fails. Real
files in a temporary folder; a failing write is a chunk source that raises the OS error."""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.errors import DatasetSaveError
from desktop_app.core.files.atomic import (
    STALE_TEMPORARY_SECONDS,
    remove_stale_temporaries,
    temporary_prefix,
    write_atomic,
)


def _aged(path: Path, seconds: float) -> Path:
    path.write_bytes(b"partial")
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def test_only_this_apps_old_temporaries_are_removed_and_counted(tmp_path: Path) -> None:
    target = tmp_path / "data.jsonl"
    assert temporary_prefix(target) == ".data.jsonl."
    foreign = ["x_long_name_", "ab", "ABCDEFGH", "abc-defg"]  # not what mkstemp makes
    for middle in foreign:
        _aged(tmp_path / f".data.jsonl.{middle}.tmp", 3600)
    stale = [_aged(tmp_path / f".data.jsonl.k{n}_abcde.tmp", 3600) for n in range(5)]
    fresh = _aged(tmp_path / ".data.jsonl.fresh123.tmp", 60)
    other_file = _aged(tmp_path / ".other.jsonl.abcdefgh.tmp", 3600)
    (tmp_path / ".data.jsonl.folder12.tmp").mkdir()
    os.utime(tmp_path / ".data.jsonl.folder12.tmp", (0, 0))

    assert remove_stale_temporaries(target) == 5
    assert not any(p.exists() for p in stale)
    assert fresh.exists() and other_file.exists()
    assert all((tmp_path / f".data.jsonl.{m}.tmp").exists() for m in foreign)
    assert (tmp_path / ".data.jsonl.folder12.tmp").is_dir()
    assert remove_stale_temporaries(target) == 0
    assert remove_stale_temporaries(target, older_than=30) == 1 and not fresh.exists()


def test_a_save_interrupted_less_than_a_quarter_hour_ago_is_left_alone(tmp_path: Path) -> None:
    assert STALE_TEMPORARY_SECONDS == 900
    running = _aged(tmp_path / ".data.jsonl.abcdefgh.tmp", 850)
    assert remove_stale_temporaries(tmp_path / "data.jsonl") == 0 and running.exists()


def test_a_missing_folder_has_no_temporaries(tmp_path: Path) -> None:
    assert remove_stale_temporaries(tmp_path / "gone" / "data.jsonl") == 0


def test_a_bare_file_name_is_in_the_current_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    stale = _aged(tmp_path / ".data.jsonl.abcdefgh.tmp", 3600)
    assert remove_stale_temporaries(Path("data.jsonl")) == 1 and not stale.exists()
    write_atomic(Path("data.jsonl"), [b"x\n"])
    assert (tmp_path / "data.jsonl").read_bytes() == b"x\n"


@pytest.mark.parametrize(("umask", "mode"), [(0o027, 0o640), (0o002, 0o664), (0, 0o666)])
def test_a_new_file_gets_the_usual_mode_and_the_status_of_what_was_written(
    umask: int, mode: int, tmp_path: Path
) -> None:
    previous = os.umask(umask)
    try:
        written = write_atomic(tmp_path / "new.jsonl", [b"ab", b"cd\n"])
    finally:
        os.umask(previous)
    final = (tmp_path / "new.jsonl").stat()
    assert final.st_mode & 0o7777 == mode
    assert (written.st_ino, written.st_size) == (final.st_ino, final.st_size) == (final.st_ino, 5)
    assert os.umask(previous) == previous  # the umask is left as it was
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.jsonl"]


def _failing(code: int, reason: str | None) -> Iterator[bytes]:
    yield b"partial"
    raise OSError(code, reason) if reason else OSError(code)


@pytest.mark.parametrize(
    ("code", "reason", "message", "step"),
    [
        (
            errno.ENOSPC,
            "No space left on device",
            "“data.jsonl” could not be saved because the disk is full.",
            "Free some space or save to another drive. Your edits are kept in the app.",
        ),
        (
            errno.EACCES,
            "Permission denied",
            "“data.jsonl” could not be saved because you do not have permission to write there.",
            "Use Save As to pick a folder you can write to. Your edits are kept in the app.",
        ),
        (
            errno.EROFS,
            "Read-only file system",
            "“data.jsonl” could not be saved because you do not have permission to write there.",
            "Use Save As to pick a folder you can write to. Your edits are kept in the app.",
        ),
        (
            errno.ENOENT,
            "No such file or directory",
            "“data.jsonl” could not be saved because its folder no longer exists.",
            "Use Save As to pick another folder. Your edits are kept in the app.",
        ),
        (
            errno.EIO,
            "Input/output error",
            "“data.jsonl” could not be saved (Input/output error).",
            "Try again, or use Save As to save a copy elsewhere. Your edits are kept in the app.",
        ),
        (
            errno.EIO,
            None,
            "“data.jsonl” could not be saved (the system refused the write).",
            "Try again, or use Save As to save a copy elsewhere. Your edits are kept in the app.",
        ),
    ],
)
def test_each_reason_a_save_fails_has_its_words(
    code: int, reason: str | None, message: str, step: str, tmp_path: Path
) -> None:
    path = tmp_path / "data.jsonl"
    path.write_bytes(b"old\n")
    with pytest.raises(DatasetSaveError) as failed:
        write_atomic(path, _failing(code, reason))
    assert (failed.value.message, failed.value.next_step) == (message, step)
    raised = OSError(code, reason) if reason else OSError(code)  # OSError picks its subclass
    assert failed.value.technical == f"{type(raised).__name__}: {raised}"
    assert path.read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.jsonl"]


def test_a_save_into_a_missing_folder_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(DatasetSaveError) as failed:
        write_atomic(tmp_path / "gone" / "data.jsonl", [b"x"])
    assert (
        failed.value.message
        == "“data.jsonl” could not be saved because its folder no longer exists."
    )
    assert failed.value.technical.startswith("FileNotFoundError: [Errno 2]")


def test_a_save_that_dies_mid_write_leaves_a_temporary_a_later_open_removes(
    tmp_path: Path, monkeypatch
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.chdir(tmp_path)  # not the file's folder: the temporary must not land here
    path = folder / "data.jsonl"
    path.write_bytes(b"old\n")

    def dying() -> Iterator[bytes]:
        yield b"half of the new"
        raise RuntimeError("the process died here")  # stands in for a kill: nothing cleans up

    with pytest.raises(RuntimeError):
        write_atomic(path, dying())
    assert path.read_bytes() == b"old\n"
    [left] = [p for p in folder.iterdir() if p != path]
    assert left.name.startswith(".data.jsonl.") and left.name.endswith(".tmp")
    assert list(tmp_path.iterdir()) == [folder]
    assert remove_stale_temporaries(path, older_than=-60) == 1
    assert list(folder.iterdir()) == [path]
