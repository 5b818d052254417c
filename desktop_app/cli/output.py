"""Shared helpers for `ftstudio` commands: exit codes, plain errors on stderr, JSON on stdout.

Every command's `run(args)` returns one of the exit codes below. Errors meant for the person at
the terminal are `UserFacingError`s; `main` prints them with `print_user_error` (message, then the
next step) and never shows a traceback.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Any

import orjson

from desktop_app.core.dataset.records import Dataset
from desktop_app.core.errors import DatasetOpenError, UserFacingError
from desktop_app.core.keys.scrub import scrub, scrub_value

EXIT_OK = 0  # the command did what was asked (validate: no errors found)
EXIT_PROBLEMS = 1  # validate found errors, or the input cannot be used for what was asked
EXIT_UNREADABLE = 2  # an input file cannot be read (missing, a folder, no permission); bad usage
EXIT_INTERNAL = 70  # a bug in ftstudio (EX_SOFTWARE); the details go to the log file
EXIT_INTERRUPTED = 130  # stopped with Ctrl+C


def print_error(message: str, next_step: str = "") -> None:
    """Write a plain-language error to stderr: the message, then what to do next."""
    lines = [message]
    if next_step:
        lines.append(next_step)
    sys.stderr.write(scrub("\n".join(lines)) + "\n")
    sys.stderr.flush()


def print_note(text: str) -> None:
    """A side remark for the person at the terminal (stderr, so stdout stays clean for --json)."""
    sys.stderr.write(scrub(text) + "\n")


def print_user_error(error: UserFacingError) -> int:
    """Show a UserFacingError and return the exit code that fits it."""
    print_error(error.message, error.next_step)
    return exit_code_for(error)


def exit_code_for(error: UserFacingError) -> int:
    return EXIT_UNREADABLE if isinstance(error, DatasetOpenError) else EXIT_PROBLEMS


def print_json(value: Any) -> None:
    """One JSON document on stdout (UTF-8, not ASCII-escaped), ending with a newline.

    Written by orjson (maintained, in C: a 24 MB report in 0.02 s where the standard library's
    indenting encoder, which is pure Python, took 0.4 s); a value orjson refuses (a lone
    surrogate from a broken file, an integer beyond 64 bits) goes through the standard library."""
    clean = scrub_value(value)
    try:
        data = orjson.dumps(clean, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    except (orjson.JSONEncodeError, TypeError):
        sys.stdout.write(json.dumps(clean, ensure_ascii=False, indent=2) + "\n")
        return
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a stream without bytes (a test's StringIO)
        sys.stdout.write(data.decode("utf-8"))
        return
    sys.stdout.flush()  # what was written as text comes first
    buffer.write(data)
    buffer.flush()


def printable_streams() -> None:
    """stdout and stderr write a lone surrogate (an escaped “\\ud800” in a file) as “\\ud800”.

    UTF-8 cannot hold one, so printing it would otherwise stop the command; the escape is also
    what JSON uses, so --json output stays valid JSON."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


def open_dataset(path: str | os.PathLike[str], *, quiet: bool = True) -> Dataset:
    """Open a JSONL dataset for a command; raises DatasetOpenError (exit 2) when it cannot be read.
    `quiet=False` shows a progress bar while it is read (on a terminal only)."""
    from desktop_app.cli.progress import progress_bar

    path = Path(path)
    if not path.exists():
        raise DatasetOpenError(
            f"“{path}” could not be found.", "Check the file name and the folder you typed."
        )
    size = path.stat().st_size if path.is_file() else None
    with progress_bar(f"Reading {path.name}", size, quiet=quiet) as bar:
        return Dataset.open(path, on_bytes=bar.advance)


def check_can_write(path: Path, *, force: bool, inputs: tuple[Path, ...] = ()) -> None:
    """Refuse to overwrite an input file, or an existing file unless --force was given."""
    resolved = path.resolve()
    for source in inputs:
        if source.resolve() == resolved:
            raise UserFacingError(
                f"“{path.name}” is the file being read, so it cannot also be the output.",
                "Pick a different name for the output file.",
            )
    if path.is_dir():
        raise UserFacingError(
            f"“{path}” is a folder, not a file name.",
            "Give a file name for the output, for example “dataset.jsonl”.",
        )
    if path.exists() and not force:
        raise UserFacingError(
            f"“{path}” already exists, and ftstudio does not replace files unless asked.",
            "Add --force to replace it, or pick another name or folder.",
        )
    if not path.parent.is_dir():
        raise UserFacingError(
            f"The folder “{path.parent}” does not exist.",
            "Create the folder first, or pick another one.",
        )
