"""Recovery copies: atomic, complete or refused, offered only when their process is gone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from subprocess import PIPE
from typing import Any

import pytest
from tests.core.recovery_support import crash_with_copy

from desktop_app.core.dataset import recovery


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
    crash_with_copy(crashed)
    pending = recovery.pending_recoveries(tmp_path)
    assert [p.file for p in pending] == [crashed]
    assert pending[0].title == "Untitled dataset"
    assert recovery.read_recovery(crashed).data == b"b"


def test_a_copy_is_offered_when_its_process_id_now_belongs_to_another_program(
    tmp_path: Path,
) -> None:
    """After a power cut and a restart the dead app's process id is soon another program's: the
    copy was never offered, since that id answered as running."""
    crashed = tmp_path / f"crashed{recovery.SUFFIX}"
    recovery.write_recovery(crashed, [b"unsaved"], original_path=None, review=None)
    crash_with_copy(crashed)
    other = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=PIPE)
    try:
        magic, header, data = crashed.read_bytes().split(b"\n", 2)
        fields = json.loads(header)
        fields["pid"] = other.pid  # a running program now has the dead app's id
        crashed.write_bytes(magic + b"\n" + json.dumps(fields).encode() + b"\n" + data)
        assert [p.file for p in recovery.pending_recoveries(tmp_path)] == [crashed]
    finally:
        other.communicate(b"")
    held = [f.name for f in tmp_path.glob("alive-*.lock")]
    assert recovery.read_info(crashed).alive_lock not in held  # the dead one's is cleared away


def test_a_running_apps_copy_is_never_offered_to_another(tmp_path: Path) -> None:
    """Another app process still editing (its lock held) keeps its copy, whatever its id."""
    script = (
        "import sys; from pathlib import Path; from desktop_app.core.dataset import recovery; "
        "recovery.write_recovery(Path(sys.argv[1]), [b'x'], original_path=None, review=None); "
        "print('written', flush=True); sys.stdin.read()"
    )
    copy = tmp_path / f"other{recovery.SUFFIX}"
    running = subprocess.Popen(
        [sys.executable, "-c", script, str(copy)], stdin=PIPE, stdout=PIPE, text=True
    )
    try:
        assert running.stdout is not None and running.stdout.readline() == "written\n"
        assert recovery.pending_recoveries(tmp_path) == []
        assert len(list(tmp_path.glob("alive-*.lock"))) == 1  # held: never cleared away
    finally:
        running.communicate("")
    # it ended without removing its copy (a clean exit of the app removes the copy first)
    assert [p.file for p in recovery.pending_recoveries(tmp_path)] == [copy]
    assert list(tmp_path.glob("alive-*.lock")) == []  # let go at exit, and its file removed


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


@pytest.mark.skipif(not hasattr(os, "fork"), reason="only where processes fork (Linux, macOS)")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")  # 3.12+
def test_a_forked_child_does_not_keep_the_apps_lock(tmp_path: Path) -> None:
    """A child forked from the app shares its lock; the lock must go when the app does, even
    while the child still runs (else a crashed app's work is not offered back)."""
    import multiprocessing

    from desktop_app.core.dataset import alive_lock

    copy = tmp_path / f"app{recovery.SUFFIX}"
    recovery.write_recovery(copy, [b"work"], original_path=None, review=None)
    name = recovery.read_info(copy).alive_lock
    forking = multiprocessing.get_context("fork")
    started, done = forking.Event(), forking.Event()
    child = forking.Process(target=_run_until_told, args=(started, done))
    child.start()
    try:
        assert started.wait(10)  # the child runs (its fork hooks have run)
        path, fd = alive_lock._held.pop(tmp_path)  # the app ends: the system closes its file
        os.close(fd)
        assert path.exists() and alive_lock.is_held(tmp_path, name) is False
    finally:
        done.set()
        child.join(10)


def _run_until_told(started: Any, done: Any) -> None:
    started.set()
    done.wait(30)  # (a child still running while the test looks at the lock)
