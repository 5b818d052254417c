"""The GUI's composition root: `finetune-studio [FILE]`.

Builds the QApplication, installs the error hooks (Python, threads, Qt messages → a log file),
creates the services and the main window, shows it, and only then starts the work: a recovery
offer after a crash, the file from the command line, or the bundled sample on the first start.
Heavy modules (tiktoken, openai, QtCharts) load after the window is on screen.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
import traceback
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QMessageLogContext,
    QObject,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication

from desktop_app import __version__
from desktop_app.core.appdirs import log_dir
from desktop_app.core.logfile import LogFile

log = logging.getLogger("desktop_app")


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="finetune-studio", description="Curate and check chat fine-tuning datasets."
    )
    parser.add_argument("file", nargs="?", help="a dataset file (.jsonl) to open")
    parser.add_argument("--version", action="version", version=f"Finetune Studio {__version__}")
    parser.add_argument(
        "--no-restore", action="store_true", help="do not offer to restore unsaved work"
    )
    parser.add_argument(
        "--quit-after", type=int, default=0, metavar="MS", help=argparse.SUPPRESS
    )  # used by startup benchmarks and smoke tests
    return parser.parse_args(list(argv))


# ---- logging and hooks ------------------------------------------------------------------------
def setup_logging() -> tuple[Path, logging.Handler]:
    path = log_dir() / "finetune-studio.log"
    handler = LogFile(path)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path, handler


class Hooks:
    """sys.excepthook, threading.excepthook and Qt's message handler, restorable on exit."""

    def __init__(self) -> None:
        self._sys = sys.excepthook
        self._threading = threading.excepthook
        self.window: Any = None

    def install(self) -> None:
        sys.excepthook = self.on_exception
        threading.excepthook = self.on_thread_exception
        qInstallMessageHandler(on_qt_message)

    def restore(self) -> None:
        sys.excepthook = self._sys
        threading.excepthook = self._threading
        qInstallMessageHandler(None)

    def on_exception(
        self,
        kind: type[BaseException],
        error: BaseException,
        tb: TracebackType | None,
    ) -> None:
        log.error("unexpected error:\n%s", "".join(traceback.format_exception(kind, error, tb)))
        if self.window is not None and threading.current_thread() is threading.main_thread():
            from desktop_app.ui.errors import show_error

            show_error(self.window, error)

    def on_thread_exception(self, args: threading.ExceptHookArgs) -> None:
        trace = "".join(
            traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback)
        )
        log.error("unexpected error in a background thread:\n%s", trace)


def on_qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    level = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }.get(kind, logging.WARNING)
    logging.getLogger("qt").log(level, "%s", message)


# ---- startup --------------------------------------------------------------------------------
def create_application(argv: Sequence[str]) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QApplication.setApplicationName("Finetune Studio")
    QApplication.setOrganizationName("FinetuneStudio")
    QApplication.setApplicationVersion(__version__)
    QApplication.setDesktopFileName("finetune-studio")
    return QApplication([sys.argv[0] if sys.argv else "finetune-studio", *argv])


def build_window(app: QApplication, *, deferred: bool = False) -> Any:
    """Services and the main window (no file opened yet); `deferred`: only its frame for now."""
    from desktop_app.core.settings import load_preferences
    from desktop_app.qt.ui_state import UiState
    from desktop_app.qt.workers import WorkerPools
    from desktop_app.ui import theme
    from desktop_app.ui.main_window import MainWindow, Services

    prefs = load_preferences()
    ui_state = UiState(recent_limit=prefs.recent_limit)
    # A deferred frame is painted in the scheme the system had at the last start; complete()
    # asks the system and repaints if it has changed since (MainWindow.follow_system_scheme).
    theme.apply_theme(app, prefs.theme, system=ui_state.system_scheme() if deferred else None)
    services = Services(pools=WorkerPools(), prefs=prefs, ui_state=ui_state)
    return MainWindow(services, deferred=deferred)


class AfterFirstPaint(QObject):
    """Runs a callback once the watched window has painted for the first time."""

    def __init__(self, window: Any, callback: Any) -> None:
        super().__init__(window)
        self._callback = callback
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._callback is not None:
            callback, self._callback = self._callback, None
            watched.removeEventFilter(self)
            QTimer.singleShot(0, callback)
        return False


def start_work(window: Any, file: str | None, offer_restore: bool = True) -> None:
    """After the window is shown: restore, open the file, or show the sample on first start."""
    from desktop_app.core import recovery
    from desktop_app.core.settings import save_preferences
    from desktop_app.ui.dialogs.recovery import RecoveryDialog

    pending = recovery.pending_recoveries() if offer_restore else []
    if pending:
        dialog = RecoveryDialog(pending, window)
        if dialog.exec():
            if dialog.action == RecoveryDialog.RESTORE and dialog.chosen() is not None:
                chosen = dialog.chosen()
                assert chosen is not None
                if window.restore_recovery(chosen):
                    return
            elif dialog.action == RecoveryDialog.DISCARD:
                for info in pending:
                    recovery.discard(info.file)
    if file:
        window.open_path(Path(file))
        return
    prefs = window.services.prefs
    extras = getattr(window, "extras", None)
    if prefs.sample_shown:  # a later start: where the writer left off, and the welcome if asked
        last, record = window.ui_state.last_session()
        if last is not None and last.is_file():
            window.open_path(last, select=record)
        if prefs.show_welcome and extras is not None:
            extras.show_welcome()
        return
    if not prefs.sample_shown:
        window.open_sample()
        extras = getattr(window, "extras", None)
        if extras is not None:  # the first start also greets the writer
            extras.show_welcome()
        window.prefs = replace(prefs, sample_shown=True)
        window.services.prefs = window.prefs
        try:
            save_preferences(window.prefs)
        except Exception:  # a read-only config folder must not stop the app
            log.warning("could not remember that the sample was shown", exc_info=True)


def main(argv: Sequence[str] | None = None) -> int:
    import multiprocessing

    multiprocessing.freeze_support()  # big files are checked in child processes (frozen builds)
    arguments = list(sys.argv[1:] if argv is None else argv)
    if (
        "--self-test" in arguments
    ):  # the installed/frozen app checks itself (desktop_app/selftest.py)
        from desktop_app.selftest import run

        return run(arguments)
    args = parse_args(arguments)
    log_path, log_handler = setup_logging()
    hooks = Hooks()
    hooks.install()
    log.info("Finetune Studio %s starting; log at %s", __version__, log_path)
    app = create_application([])
    from desktop_app.qt.gc_guard import MainThreadCollector

    collector = MainThreadCollector(app)
    try:
        window = build_window(app, deferred=True)
        hooks.window = window

        def finish_startup() -> None:
            window.complete()  # the panes, menus and heavy modules, once the frame is painted
            start_work(window, args.file, not args.no_restore)

        AfterFirstPaint(window, finish_startup)
        window.show()
        if args.quit_after:
            QTimer.singleShot(args.quit_after, window.close)
        code = app.exec()
    finally:
        collector.stop()
        hooks.restore()
    log.info("Finetune Studio closed with code %s", code)
    logging.getLogger().removeHandler(log_handler)
    log_handler.close()
    return int(code)


if __name__ == "__main__":
    raise SystemExit(main())
