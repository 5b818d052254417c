"""The ftstudio frame: commands, --version, exit codes, and plain errors instead of tracebacks."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from desktop_app import __version__
from desktop_app.cli import main as cli_main
from desktop_app.cli import stats_cmd
from desktop_app.core.errors import UserFacingError

Run = Callable[..., Any]  # the ftstudio fixtures in conftest.py


def test_every_listed_command_module_registers() -> None:
    assert cli_main.COMMAND_MODULES[:4] == ["validate_cmd", "stats_cmd", "split_cmd", "convert_cmd"]
    parser = cli_main.build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert list(subparsers.choices)[:4] == ["validate", "stats", "split", "convert"]
    assert len(subparsers.choices) >= len(cli_main.COMMAND_MODULES)
    for name, sub in subparsers.choices.items():
        assert callable(sub.get_default("func")), name


def test_version(ftstudio: Run, ftstudio_process: Run) -> None:
    for ran in (ftstudio("--version"), ftstudio_process("--version")):
        assert ran.code == 0
        assert ran.out.strip() == f"ftstudio {__version__}"


def test_help_lists_the_commands(ftstudio_process: Run) -> None:
    ran = ftstudio_process("--help")
    assert ran.code == 0
    for command in ("validate", "stats", "split", "convert"):
        assert command in ran.out


def test_no_command_shows_help_and_exits_2(ftstudio: Run) -> None:
    ran = ftstudio()
    assert ran.code == 2
    assert "COMMAND" in ran.err and ran.out == ""


def test_usage_mistakes_are_explained(ftstudio: Run, ftstudio_process: Run) -> None:
    for ran in (ftstudio("stats"), ftstudio_process("stats")):
        assert ran.code == 2
        assert "the following arguments are required: FILE" in ran.err
        assert "Run “ftstudio stats --help”" in ran.err
        assert "Traceback" not in ran.err
    unknown = ftstudio("frobnicate")
    assert unknown.code == 2 and "invalid choice" in unknown.err


@pytest.mark.parametrize("command", ["stats", "validate"])
def test_missing_file_exits_2_with_a_sentence(
    ftstudio_process: Run, tmp_path: Path, command: str
) -> None:
    ran = ftstudio_process(command, tmp_path / "nope.jsonl")
    assert ran.code == 2
    assert "could not be found" in ran.err
    assert "Traceback" not in ran.err and ran.out == ""


def test_a_folder_exits_2(ftstudio: Run, tmp_path: Path) -> None:
    ran = ftstudio("stats", tmp_path)
    assert ran.code == 2
    assert "is a folder" in ran.err


def test_user_facing_errors_print_message_and_next_step(
    ftstudio: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(args: argparse.Namespace) -> int:
        raise UserFacingError("The moon is in the way.", "Wait for it to move.")

    monkeypatch.setattr(stats_cmd, "run", refuse)
    ran = ftstudio("stats", tmp_path / "x.jsonl")
    assert ran.code == 1
    assert ran.err == "The moon is in the way.\nWait for it to move.\n"


def test_a_bug_is_a_sentence_and_a_log_file(
    ftstudio: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app_home: Path
) -> None:
    def crash(args: argparse.Namespace) -> int:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(stats_cmd, "run", crash)
    ran = ftstudio("stats", tmp_path / "x.jsonl")
    assert ran.code == 70
    assert "internal error" in ran.err
    assert "Traceback" not in ran.err and "secret internals" not in ran.err
    (log,) = (app_home / "logs").glob("crash-*.log")
    assert str(log) in ran.err
    assert "RuntimeError: secret internals" in log.read_text(encoding="utf-8")


def test_ctrl_c_is_a_plain_stop(
    ftstudio: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(args: argparse.Namespace) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(stats_cmd, "run", interrupted)
    ran = ftstudio("stats", tmp_path / "x.jsonl")
    assert ran.code == 130 and ran.err == "Stopped.\n"


def test_main_reads_sys_argv(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.argv", ["ftstudio", "--version"])
    assert cli_main.main() == 0
    assert __version__ in capsys.readouterr().out
