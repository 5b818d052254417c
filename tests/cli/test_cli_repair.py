"""`ftstudio repair IN --out OUT [--json]`: exit codes, messages, IN untouched."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

REALWORLD = Path(__file__).resolve().parents[1] / "data" / "realworld"
Run = Callable[..., Any]


def test_repair_writes_out_and_leaves_in_alone(ftstudio_process: Run, tmp_path: Path) -> None:
    source = REALWORLD / "Danielcreux_Entrenamiento-IA__training_data.jsonl"
    before = source.read_bytes()
    target = tmp_path / "fixed.jsonl"
    ran = ftstudio_process("repair", source, "--out", target)
    assert ran.code == 0, ran.err
    assert f"Wrote {target}: 24 examples from 96 lines." in ran.out
    assert "Lines 1–96 (24 examples): one example was written over 4 lines." in ran.out
    assert source.read_bytes() == before
    validated = ftstudio_process("validate", target)
    assert "cannot be read" not in validated.out + validated.err


def test_pieces_left_broken_exit_1_and_are_listed(ftstudio: Run, tmp_path: Path) -> None:
    source = REALWORLD / "EWHA-Inkspire_inkspire-gpt__data_set.jsonl"
    ran = ftstudio("repair", source, "--out", tmp_path / "out.jsonl")
    assert ran.code == 1
    assert "21 examples from 174 lines; 1 piece left as it was: line 174." in ran.out
    assert (tmp_path / "out.jsonl").exists()


def test_json_report(ftstudio: Run, tmp_path: Path) -> None:
    source = REALWORLD / "BradHeff_Python-AI-Model-Trainer__mydata.jsonl"
    ran = ftstudio("repair", source, "--out", tmp_path / "out.jsonl", "--json")
    assert ran.code == 0
    report = json.loads(ran.out)
    assert report["examples"] == 115 and report["lines"] == 116
    assert report["left_as_they_were"] == 0
    assert report["changes"][0]["first_line"] == 84
    assert report["changes"][0]["notes"] == ["added a missing closing brace or bracket"]


def test_unreadable_input_exits_2(ftstudio: Run, tmp_path: Path) -> None:
    ran = ftstudio("repair", tmp_path / "missing.jsonl", "--out", tmp_path / "out.jsonl")
    assert ran.code == 2
    assert "could not be found" in ran.err
    assert not (tmp_path / "out.jsonl").exists()


def test_refuses_to_write_over_in(ftstudio: Run, tmp_path: Path) -> None:
    source = tmp_path / "a.jsonl"
    source.write_text('{"messages": [\n]}\n', encoding="utf-8")
    ran = ftstudio("repair", source, "--out", source, "--force")
    assert ran.code == 1
    assert source.read_text(encoding="utf-8") == '{"messages": [\n]}\n'


def _run_with_terminal_stderr(*argv: str) -> tuple[int, str]:
    """Run ftstudio with stderr on a pseudo-terminal (as in a real terminal); returns its stderr."""
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import sys
    import termios

    parent, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a terminal's size
    process = subprocess.Popen(
        [sys.executable, "-m", "desktop_app.cli.main", *argv],
        stdout=subprocess.DEVNULL,
        stderr=child,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    os.close(child)
    chunks = []
    while True:
        try:
            chunk = os.read(parent, 4096)
        except OSError:  # the child closed its side
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(parent)
    return process.wait(), b"".join(chunks).decode("utf-8", errors="replace")


def test_progress_bar_on_a_terminal_and_not_with_quiet(tmp_path: Path) -> None:
    source = REALWORLD / "Danielcreux_Entrenamiento-IA__training_data.jsonl"
    code, err = _run_with_terminal_stderr("repair", str(source), "--out", str(tmp_path / "a.jsonl"))
    assert code == 0 and "Repairing:" in err and "|" in err  # the bar, drawn on stderr
    code, err = _run_with_terminal_stderr(
        "repair", str(source), "--out", str(tmp_path / "b.jsonl"), "--quiet"
    )
    assert code == 0 and "Repairing" not in err


def test_no_progress_bar_when_stderr_is_not_a_terminal(
    ftstudio_process: Run, tmp_path: Path
) -> None:
    source = REALWORLD / "Danielcreux_Entrenamiento-IA__training_data.jsonl"
    ran = ftstudio_process("repair", source, "--out", tmp_path / "a.jsonl")
    assert ran.code == 0 and ran.err == ""
