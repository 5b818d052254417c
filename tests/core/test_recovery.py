"""Recovery copies: atomic, complete or refused, offered only when their process is gone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.core.dataset import recovery


def _dead_pid() -> int:
    proc = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(proc.stdout)


def test_write_and_read_back(tmp_path: Path) -> None:
    file = tmp_path / f"x{recovery.SUFFIX}"
    recovery.write_recovery(
        file, [b"line1\r\n", b"line2"], original_path=tmp_path / "d.jsonl", review={"entries": []}
    )
    back = recovery.read_recovery(file)
    assert back.data == b"line1\r\nline2"
    assert back.original_path == tmp_path / "d.jsonl"
    assert back.review == {"entries": []}
    info = recovery.read_info(file)
    assert info.size == len(back.data) and info.pid == os.getpid()
    assert info.title == "d.jsonl"


def test_only_copies_of_finished_processes_are_offered(tmp_path: Path) -> None:
    mine = tmp_path / f"mine{recovery.SUFFIX}"
    recovery.write_recovery(mine, [b"a"], original_path=None, review=None)
    assert recovery.pending_recoveries(tmp_path) == []  # this process is still running
    crashed = tmp_path / f"crashed{recovery.SUFFIX}"
    recovery.write_recovery(crashed, [b"b"], original_path=None, review=None)
    magic, header, data = crashed.read_bytes().split(b"\n", 2)
    fields = json.loads(header)
    fields["pid"] = _dead_pid()
    crashed.write_bytes(magic + b"\n" + json.dumps(fields).encode() + b"\n" + data)
    pending = recovery.pending_recoveries(tmp_path)
    assert [p.file for p in pending] == [crashed]
    assert pending[0].title == "Untitled dataset"


def test_truncated_or_damaged_copies_are_refused(tmp_path: Path) -> None:
    file = tmp_path / f"t{recovery.SUFFIX}"
    recovery.write_recovery(file, [b"0123456789"], original_path=None, review=None)
    file.write_bytes(file.read_bytes()[:-3])
    with pytest.raises(recovery.RecoveryError, match="incomplete"):
        recovery.read_recovery(file)
    file.write_bytes(b"garbage\n")
    with pytest.raises(recovery.RecoveryError, match="damaged"):
        recovery.read_info(file)
    assert recovery.pending_recoveries(tmp_path) == []
    recovery.discard(file)
    recovery.discard(file)  # twice is fine
    assert not file.exists()


def test_new_recovery_file_lives_in_the_recovery_folder(app_home: Path) -> None:
    file = recovery.new_recovery_file()
    assert file.parent == app_home / "data" / "recovery"
    assert file.suffix == recovery.SUFFIX
