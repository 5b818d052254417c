"""The GUI's composition root: `finetune-studio [FILE]`.

Builds the QApplication, installs the crash reporter (Python, threads, Qt slots → a scrubbed
crash report, a recovery copy and a dialog) and Qt's message handler (→ the scrubbed log file),
creates the services and the main window, shows it, and only then starts the work: a recovery
offer after a crash, the file from the command line, or the bundled sample on the first start.
Heavy modules (tiktoken, openai, QtCharts) load after the window is on screen.

Everything the window and its controllers use is built here and handed to them: the services
(preferences, ui state, worker pools: `build_services`), then, once the window is complete, the
job store, the training hub and the try services (`complete_window`). Nothing else creates them.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
from desktop_app.core.files.folders import log_dir
from desktop_app.core.files.logfile import LogFile
from desktop_app.core.keys.scrub import install_log_scrubbing, scrubbed_handler

if TYPE_CHECKING:
    from desktop_app.core.processes import ProcessServices
    from desktop_app.core.training.jobstore import JobStore
    from desktop_app.ui.main_window import MainWindow, Services

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
    install_log_scrubbing()  # every record, whichever handler gets it, is scrubbed when made
    handler = scrubbed_handler(LogFile(path))  # and tracebacks once more as they are written
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path, handler


class Hooks:
    """The one exception hook (the crash reporter: sys.excepthook and threading.excepthook, so
    errors in Qt slots and in background threads too) and Qt's message handler; restorable.
    `show_dialog=False` (the self-test) writes the reports but opens no dialog."""

    def __init__(self, *, show_dialog: bool = True) -> None:
        self.window: MainWindow | None = None
        self.reporter: Any = None
        self.show_dialog = show_dialog

    def install(self) -> None:
        from desktop_app.core.keys.scrub import active_keys
        from desktop_app.ui.crash_dialog import install_crash_reporter

        # a scrubbed crash report in the log folder, a recovery copy, then the dialog
        self.reporter = install_crash_reporter(
            lambda: self.window,
            secrets=active_keys,
            before_dialog=self.force_recovery_copy,
            show_dialog=self.show_dialog,
        )
        qInstallMessageHandler(on_qt_message)

    def restore(self) -> None:
        if self.reporter is not None:
            self.reporter.uninstall()
            self.reporter = None
        qInstallMessageHandler(None)

    def force_recovery_copy(self) -> None:
        """Write the open dataset's recovery copy now, on this (the main) thread."""
        document = self.window.document if self.window is not None else None
        if document is None or not document.is_modified or document.loading:
            return
        from desktop_app.qt.document import write_recovery_copy
        from desktop_app.qt.tasks import CancelToken

        records, entries, unmatched = document.review.snapshot()
        write_recovery_copy(
            document.recovery_file,
            list(document.dataset.iter_bytes()),
            document.path,
            records,
            entries,
            unmatched,
            cancel=CancelToken(),
            progress=lambda _value: None,
            sections=dict(document.review.sections),
            suggested=document.suggested_path,
        )
        log.info("recovery copy written after an unexpected error")


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
    sys.setswitchinterval(GIL_SWITCH_S)
    return QApplication([sys.argv[0] if sys.argv else "finetune-studio", *argv])


# How long a thread may keep the interpreter lock when another wants it (Python's default: 5 ms).
# The window's workers (loading, repairing, searching) run Python, and each time Qt calls the
# window's Python code (every table cell it paints) the GUI thread must win the lock back: a
# paint made of hundreds of such calls took 100–250 ms beside a busy worker; with 1 ms the
# longest stall while a file opens and is checked fell to 30–60 ms (benchmarks/README.md).
GIL_SWITCH_S = 0.001


def build_services(
    app: QApplication, *, deferred: bool = False, processes: ProcessServices | None = None
) -> Services:
    """The preferences, the window's remembered state and the task runner; the theme applied.

    The task runner every window, pane and service uses is made here, with the process services
    (`processes`: started and stopped by the caller; without them the runner makes its own and
    stops them when the window closes)."""
    from desktop_app.core.settings.preferences import load_preferences
    from desktop_app.qt.tasks import TaskRunner
    from desktop_app.qt.ui_state import UiState
    from desktop_app.ui import theme
    from desktop_app.ui.main_window import Services

    prefs = load_preferences()
    ui_state = UiState(recent_limit=prefs.recent_limit)
    # A deferred frame is painted in the scheme the system had at the last start; complete()
    # asks the system and repaints if it has changed since (MainWindow.follow_system_scheme).
    theme.apply_theme(app, prefs.theme, system=ui_state.system_scheme() if deferred else None)
    return Services(pools=TaskRunner(processes), prefs=prefs, ui_state=ui_state)


def build_window(
    app: QApplication,
    *,
    deferred: bool = False,
    services: Services | None = None,
    processes: ProcessServices | None = None,
) -> MainWindow:
    """Services and the main window (no file opened yet); `deferred`: only its frame for now
    (`complete_window` after the first paint builds the rest)."""
    from desktop_app.ui.main_window import MainWindow

    services = services or build_services(app, deferred=deferred, processes=processes)
    window = MainWindow(services, deferred=True)
    if not deferred:
        complete_window(window)
    return window


def open_job_store() -> JobStore | None:
    """The job records; None when they cannot be opened (the training hub then says why)."""
    from desktop_app.core.errors import UserFacingError
    from desktop_app.core.training.jobstore import JobStore

    try:
        return JobStore().open()
    except UserFacingError as error:
        log.warning("job records unavailable: %s", error.message)
        return None


def complete_window(window: MainWindow) -> None:
    """The window's panes and controllers, then what it hands the writer beyond editing: the
    training hub (over the job store) with its menu and dock, and the try services."""
    from desktop_app.ui.playground.services import TryServices
    from desktop_app.ui.training.wiring import install_training
    from desktop_app.ui.window_extras import Extras

    window.complete()
    if window.extras is not None:
        return
    shown, parts = window.shown, window.parts
    training = install_training(
        window,
        store=open_job_store(),
        document=lambda: shown.document,
        display_name=window.display_name,
        say=parts.say,
        go_to=window.edits.go_to_problem,
        tasks=window.pools,
    )
    try_services = TryServices(
        document=lambda: shown.document,
        store=lambda: training.store,
        practice_url=training.practice.current_url,
        tasks=window.pools,
        ui_state=window.ui_state,
        parent=window,
    )
    window.extras = Extras(window, training, try_services)


class AfterFirstPaint(QObject):
    """Runs a callback once the watched window has painted for the first time."""

    def __init__(self, window: QObject, callback: Callable[[], None] | None) -> None:
        super().__init__(window)
        self._callback = callback
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._callback is not None:
            callback, self._callback = self._callback, None
            watched.removeEventFilter(self)
            QTimer.singleShot(0, callback)
        return False


def start_work(window: MainWindow, file: str | None, offer_restore: bool = True) -> None:
    """After the window is shown: restore, open the file, or show the sample on first start."""
    from desktop_app.core.dataset import recovery
    from desktop_app.core.settings.preferences import save_preferences
    from desktop_app.ui.dialogs.recovery import RecoveryDialog

    pending = recovery.pending_recoveries() if offer_restore else []
    if pending:
        dialog = RecoveryDialog(pending, window)
        if dialog.exec():
            if dialog.action == RecoveryDialog.RESTORE and dialog.chosen() is not None:
                chosen = dialog.chosen()
                assert chosen is not None
                if window.files.restore_recovery(chosen):
                    if file:  # the file the writer asked for waits one click away
                        window.files.keep_for_later(Path(file))
                    return
            elif dialog.action == RecoveryDialog.DISCARD:
                for info in pending:
                    recovery.discard(info.file)
    if file:
        window.files.open_path(Path(file))
        return
    prefs = window.services.prefs
    extras = window.extras
    if prefs.sample_shown:  # a later start: where the writer left off, and the welcome if asked
        last, record = window.ui_state.last_session()
        if last is not None and last.is_file():
            window.files.open_path(last, select=record)
        if prefs.show_welcome and extras is not None:
            extras.show_welcome()
        return
    if not prefs.sample_shown:
        window.files.open_sample()
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
    from desktop_app.core.processes import ProcessServices
    from desktop_app.qt.gc_guard import MainThreadCollector

    collector = MainThreadCollector(app)
    processes = ProcessServices()  # the checker and search processes, stopped below
    try:
        window = build_window(app, deferred=True, processes=processes)
        hooks.window = window

        def finish_startup() -> None:
            complete_window(window)  # the panes, menus and heavy modules, once painted
            start_work(window, args.file, not args.no_restore)

        AfterFirstPaint(window, finish_startup)
        window.show()
        if args.quit_after:
            QTimer.singleShot(args.quit_after, window.close)
        code = app.exec()
    finally:
        processes.close()
        collector.stop()
        hooks.restore()
    log.info("Finetune Studio closed with code %s", code)
    logging.getLogger().removeHandler(log_handler)
    log_handler.close()
    return int(code)


if __name__ == "__main__":
    raise SystemExit(main())
