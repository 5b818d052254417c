"""Progress bars: drawn on a terminal (a pseudo-terminal here), never into a pipe or with --quiet."""

from __future__ import annotations

import fcntl
import io
import json
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from desktop_app.cli.progress import progress_bar, wanted

REPO = Path(__file__).resolve().parents[2]
BAR = "%|"  # tqdm's bar starts after the percentage


def _dataset(path: Path, count: int = 40) -> Path:
    rows = [
        {
            "messages": [
                {"role": "user", "content": f"Where is branch {i}?"},
                {"role": "assistant", "content": f"Branch {i} is on Main Street, number {i}."},
            ]
        }
        for i in range(count)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _run(argv: list[str], *, stderr_on_terminal: bool) -> tuple[int, str, str]:
    """Run ftstudio in a child; stderr goes to a pseudo-terminal or to a pipe."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"}
    command = [sys.executable, "-m", "desktop_app.cli", *argv]
    if not stderr_on_terminal:
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL
        )
        return done.returncode, done.stdout, done.stderr
    master, slave = pty.openpty()
    size = struct.pack(
        "HHHH", 24, 100, 0, 0
    )  # a fresh pty is 0 columns wide; tqdm would draw nothing
    fcntl.ioctl(slave, termios.TIOCSWINSZ, size)
    child = subprocess.Popen(
        command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave
    )
    os.close(slave)
    seen = b""
    while True:  # read until the child closes the terminal (EIO on Linux)
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    assert child.stdout is not None
    out = child.stdout.read().decode("utf-8")
    child.stdout.close()
    return child.wait(timeout=120), out, seen.decode("utf-8", errors="replace")


def test_not_a_terminal_means_no_bar() -> None:
    stream = io.StringIO()
    assert not wanted(stream=stream)
    with progress_bar("Checking", 10) as bar:  # stderr is captured by pytest: not a terminal
        bar.advance(10)
        assert not bar.shown


def test_validate_shows_a_bar_on_a_terminal_only(tmp_path: Path) -> None:
    data = _dataset(tmp_path / "branches.jsonl")

    code, out, terminal = _run(["validate", str(data)], stderr_on_terminal=True)
    assert code == 0, terminal
    assert "Checking branches.jsonl" in terminal and BAR in terminal
    assert BAR not in out  # the report itself is untouched

    code, _out, piped = _run(["validate", str(data)], stderr_on_terminal=False)
    assert code == 0
    assert "Checking" not in piped and BAR not in piped

    code, _out, quiet = _run(["validate", str(data), "--quiet"], stderr_on_terminal=True)
    assert code == 0
    assert "Checking" not in quiet and BAR not in quiet


def test_export_shows_a_bar_while_reading(tmp_path: Path) -> None:
    data = _dataset(tmp_path / "branches.jsonl")
    argv = ["export", str(data), "--target", "trl"]

    code, out, terminal = _run([*argv, "--out", str(tmp_path / "a")], stderr_on_terminal=True)
    assert code == 0, terminal
    assert "Reading branches.jsonl" in terminal and BAR in terminal
    assert "Exported" in out

    code, _out, piped = _run([*argv, "--out", str(tmp_path / "b")], stderr_on_terminal=False)
    assert code == 0, piped
    assert "Reading" not in piped and BAR not in piped


@pytest.mark.parametrize("terminal", [True, False])
def test_train_upload_bar(tmp_path: Path, terminal: bool) -> None:
    data = _dataset(tmp_path / "branches.jsonl", count=12)
    argv = ["train", str(data), "--provider", "practice", "--model", "gpt-4o-mini"]

    code, out, err = _run([*argv, "--pace", "3000"], stderr_on_terminal=terminal)

    assert code == 0, err
    assert "Started job" in out
    assert "Uploading the training file (100%): branches.jsonl" in err  # said either way
    if terminal:
        assert "Uploading branches.jsonl" in err and BAR in err
    else:
        assert "Uploading branches.jsonl" not in err and BAR not in err


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_checks_report_every_byte_once(tmp_path: Path, monkeypatch, jobs: int) -> None:
    from desktop_app.core.analysis import analyzer as analysis

    monkeypatch.setattr(analysis, "RANGE_BYTES", 2048)  # many ranges from a small file
    monkeypatch.setattr(analysis, "IN_PROCESS_BYTES", 0)  # and workers for them when jobs > 1
    data = _dataset(tmp_path / "branches.jsonl", count=300)
    seen: list[int] = []
    analysis.analyze_file(data, jobs=jobs, previews=False, on_bytes=seen.append)
    assert len(seen) > 5 and sum(seen) == data.stat().st_size


def test_reading_a_dataset_reports_every_byte(tmp_path: Path) -> None:
    from desktop_app.core.dataset.records import Dataset

    data = _dataset(tmp_path / "branches.jsonl", count=300)
    seen: list[int] = []
    Dataset.open(data, on_bytes=seen.append)
    assert sum(seen) == data.stat().st_size
