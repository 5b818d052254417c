"""`ftstudio`: the command line over the dataset core (validate, stats, split, convert).

Each command lives in its own module in desktop_app/cli/, listed in COMMAND_MODULES. A module
exposes `register(subparsers)`, which adds its parser and sets `func=run`, and `run(args) -> int`.
Errors reach the person at the terminal as plain sentences on stderr, never as a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from typing import NoReturn

from desktop_app import __version__
from desktop_app.cli.output import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_UNREADABLE,
    print_error,
    print_note,
    print_user_error,
    printable_streams,
)
from desktop_app.core.errors import UserFacingError
from desktop_app.core.keys.scrub import install_log_scrubbing

LOG_FILE = "ftstudio.log"
COMMAND_MODULES = [
    "validate_cmd",
    "stats_cmd",
    "split_cmd",
    "convert_cmd",
    "repair_cmd",
    "export_cmd",
    "train_cmd",
    "jobs_cmd",
    "keys_cmd",
    "practice_cmd",
    "compare_cmd",
]


class _Parser(argparse.ArgumentParser):
    """argparse with a plain-language hint after a usage mistake."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print_error(f"{self.prog}: {message}.", f"Run “{self.prog} --help” to see how to use it.")
        raise SystemExit(EXIT_UNREADABLE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="ftstudio",
        description="Check, count, split and convert fine-tuning datasets (JSONL) offline.",
    )
    parser.add_argument("--version", action="version", version=f"ftstudio {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"desktop_app.cli.{name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one ftstudio command and return its exit code."""
    printable_streams()
    install_log_scrubbing()  # a key never reaches a log line, whoever reads the logs
    log_handler = _open_log_file()
    try:
        return _run(argv)
    finally:
        if log_handler is not None:
            logging.getLogger().removeHandler(log_handler)
            log_handler.close()


def _open_log_file() -> logging.Handler | None:
    """The command line's scrubbed log (ftstudio.log in the log folder), which error messages
    point to; None when the log folder cannot be written (the command still runs)."""
    try:
        from desktop_app.core.files.folders import log_dir
        from desktop_app.core.files.logfile import LogFile
        from desktop_app.core.keys.scrub import scrubbed_handler

        handler = scrubbed_handler(LogFile(log_dir() / LOG_FILE))
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)  # warnings and errors (the root logger's level)
    return handler


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage mistakes
        return exc.code if isinstance(exc.code, int) else EXIT_UNREADABLE
    if getattr(args, "func", None) is None:
        parser.print_help(sys.stderr)
        return EXIT_UNREADABLE
    try:
        resolve_pending_starts()
        code: int = args.func(args)
    except UserFacingError as error:
        logging.getLogger(__name__).warning("%s (%s)", error.message, error.technical)
        return print_user_error(error)
    except KeyboardInterrupt:
        print_error("Stopped.")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader of our output went away (e.g. `| head`)
        _silence_stdout()
        return EXIT_OK
    except Exception:  # noqa: BLE001 - a bug: log the traceback, show a sentence
        return _report_bug(args.command)
    return code


def resolve_pending_starts() -> None:
    """At every start: jobs whose start was sent but never confirmed are looked up and recorded.

    Only reads the local job records unless one is pending; never stops the command."""
    from desktop_app.core.providers.base import Provider
    from desktop_app.core.providers.registry import create_provider
    from desktop_app.core.providers.retry import RetryPolicy
    from desktop_app.core.training.jobs import resolve_all_pending
    from desktop_app.core.training.jobstore import JobStore

    opened: list[Provider] = []

    def connect(kind: str, account: str, base_url: str) -> Provider:
        retry = RetryPolicy(max_attempts=2, base_delay=0.2)
        opened.append(
            create_provider(kind, base_url=base_url or None, account=account, retry=retry)
        )
        return opened[-1]

    try:
        store = JobStore()
        if not store.path.is_file():  # no job was ever started on this computer
            return
        with store:
            if not store.pending_creates():
                return
            adopted, unchecked = resolve_all_pending(store, connect)
    except UserFacingError as error:  # unreadable job records: the command itself may not need them
        logging.getLogger(__name__).info("pending starts not checked: %s", error.message)
        return
    finally:
        for provider in opened:
            provider.close()
    for found in adopted:
        print_note(found.message)
    for sentence in unchecked:
        print_note(sentence)


def _report_bug(command: str) -> int:
    where = _log_traceback()
    next_step = (
        f"The details were saved to {where}; please include that file when you report the problem."
        if where
        else "Please report the problem with the command you ran."
    )
    print_error(f"ftstudio {command} stopped because of an internal error (a bug).", next_step)
    return EXIT_INTERNAL


def _log_traceback() -> str:
    """Write a scrubbed crash report (core.files.crash) to the log folder; its path, or ""."""
    try:
        from desktop_app.core.files.crash import build_report, write_crash_log

        kind, error, tb = sys.exc_info()
        assert kind is not None and error is not None
        return str(write_crash_log(build_report(kind, error, tb)))
    except Exception:
        logging.getLogger(__name__).debug("could not write the crash report", exc_info=True)
        return ""


def _silence_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(main())
