"""Hostile input: reported plainly, never an internal error, a hang or unbounded memory."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.reliability.conftest import REPO

from desktop_app.core.dataset.records import Dataset
from desktop_app.core.errors import DatasetOpenError
from desktop_app.core.files import atomic

SURROGATES = (
    '{"messages": [{"role": "us\\ud800er", "content": "hi"}, '
    '{"ro\\udc00le": "assistant", "content": "x\\ud800"}]}\n'
)


def test_lone_surrogates_are_reported_in_json_and_text(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "surrogates.jsonl"
    data.write_text(SURROGATES, encoding="ascii")
    ran = run_cli("validate", "--json", data)
    assert ran.code == 1, ran.err  # errors found; not 70 (an internal error)
    report = json.loads(ran.out)
    roles = [p["message"] for p in report["problems"] if p["code"] == "unknown_role"]
    assert roles and "us\ud800er" in roles[0]  # the JSON escape reads back as the same string
    text = run_cli("validate", data)
    assert text.code == 1 and "us\\ud800er" in text.out


@pytest.mark.parametrize("kind", ["fifo", "device", "socket"])
def test_a_file_that_is_not_a_regular_file_is_refused_at_once(
    kind: str, tmp_path: Path, run_cli
) -> None:  # type: ignore[no-untyped-def]
    if kind == "fifo":
        path = tmp_path / "pipe.jsonl"
        os.mkfifo(path)
    elif kind == "device":
        path = Path("/dev/zero")
    else:
        path = tmp_path / "s.jsonl"
        listener = socket.socket(socket.AF_UNIX)
        listener.bind(str(path))
    try:
        for command in ("validate", "stats"):
            ran = run_cli(command, path, timeout=60)  # a hang would time out the test
            assert ran.code == 2
            assert "is not a regular file" in ran.err and "Traceback" not in ran.err
        with pytest.raises(DatasetOpenError, match="not a regular file"):
            Dataset.open(path)
    finally:
        if kind == "socket":
            listener.close()


def test_leftovers_of_interrupted_saves_go_at_the_next_save_only_ours_and_only_old(
    tmp_path: Path,
) -> None:
    target = tmp_path / "d.jsonl"
    target.write_bytes(b'{"a": 1}\n')
    old = time.time() - 2 * atomic.STALE_TEMPORARY_SECONDS
    ours_old = tmp_path / ".d.jsonl.ab12cd_9.tmp"
    ours_fresh = tmp_path / ".d.jsonl.zz99yy88.tmp"  # a save running right now in another window
    not_ours = tmp_path / ".d.jsonl.backup-by-hand.tmp"
    other_file = tmp_path / ".e.jsonl.ab12cd_9.tmp"
    for path in (ours_old, ours_fresh, not_ours, other_file):
        path.write_bytes(b"x")
    for path in (ours_old, not_ours, other_file):
        os.utime(path, (old, old))
    Dataset.from_bytes(b'{"a": 2}\n').save(target)
    left = {p.name for p in tmp_path.iterdir()}
    assert ours_old.name not in left
    assert {ours_fresh.name, not_ours.name, other_file.name, "d.jsonl"} == left


def test_save_fsyncs_the_file_and_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        mode = os.fstat(fd).st_mode
        synced.append("folder" if os.path.isdir(f"/proc/self/fd/{fd}") else "file")
        assert mode
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    Dataset.from_bytes(b'{"a": 1}\n').save(tmp_path / "d.jsonl")
    assert synced == ["file", "folder"]


@pytest.mark.parametrize("weight", ["2", "-1", "0.5", "true", '"1"'])
def test_a_weight_other_than_0_or_1_is_an_error(weight: str, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "w.jsonl"
    line = (
        '{"messages": [{"role": "user", "content": "hi"}, '
        f'{{"role": "assistant", "content": "x", "weight": {weight}}}]}}\n'
    )
    data.write_text(line * 12, encoding="utf-8")
    report = json.loads(run_cli("validate", "--json", data).out)
    assert report["problem_counts"].get("weight_invalid") == 12
    assert report["errors"] >= 12


def test_one_huge_line_is_validated_in_bounded_memory_and_reported_too_long(
    tmp_path: Path,
) -> None:
    size = 12_000_000
    huge = tmp_path / "huge.jsonl"
    with huge.open("wb") as handle:
        handle.write(b'{"messages": [{"role": "user", "content": "')
        handle.write(b"a" * size)
        handle.write(b'"}, {"role": "assistant", "content": "b"}]}\n')
    small = tmp_path / "small.jsonl"
    small.write_text(SURROGATES.replace("us\\ud800er", "user"), encoding="utf-8")
    base, _ = _validate_with_peak(small)
    used, out = _validate_with_peak(huge)
    assert (used - base) <= 4 * size, f"{(used - base) // 1000} KB for a {size // 1000} KB line"
    report = json.loads(out)
    (too_long,) = [p for p in report["problems"] if p["code"] == "too_long"]
    assert "too long for any model" in too_long["message"]


_PEAK = """
import resource, runpy, sys
sys.argv = ["ftstudio", "validate", "--json", "--jobs", "1", sys.argv[1]]
try:
    runpy.run_module("desktop_app.cli", run_name="__main__")
finally:
    sys.stderr.write(f"PEAK {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n")
"""


def _validate_with_peak(path: Path) -> tuple[int, str]:
    """(peak memory in bytes, stdout) of `ftstudio validate --json` in a child process."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", _PEAK, str(path)],
        cwd=REPO,
        env=env,
        capture_output=True,
        timeout=300,
    )
    err = done.stderr.decode("utf-8", "backslashreplace")
    (line,) = [x for x in err.splitlines() if x.startswith("PEAK ")]
    return int(line.split()[1]) * 1024, done.stdout.decode("utf-8", "backslashreplace")
