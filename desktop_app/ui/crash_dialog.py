"""The dialog for an unexpected error, and the Qt side of the crash handler.

`install_crash_reporter(parent_getter, secrets, before_dialog)` wraps core.files.crash.CrashHandler:
an exception in any thread is written to a scrubbed crash log at once, then (on the main
thread, via a queued signal) `before_dialog()` runs — the app passes "write the recovery copy
now" — and a plain `CrashDialog` explains what happened. The traceback never appears in the
message; it is behind "Show details" and "Copy details", scrubbed of keys.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.files.crash import CrashHandler, CrashReport
from desktop_app.ui.icons import pixmap


class CrashDialog(QDialog):
    """“Something went wrong” with Copy details, Show details, Keep working and Quit."""

    quit_requested = Signal()

    def __init__(self, report: CrashReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report = report
        self.setObjectName("crash-dialog")
        self.setWindowTitle("Finetune Studio ran into a problem")
        self.setMinimumWidth(460)

        picture = QLabel(self)
        picture.setPixmap(pixmap("severity-error", 32))
        picture.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.message = QLabel(self)
        self.message.setObjectName("crash-message")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.RichText)
        self.message.setText(self._message_html())

        self.details = QPlainTextEdit(self)
        self.details.setObjectName("crash-details")
        self.details.setReadOnly(True)
        self.details.setPlainText(report.details)
        self.details.setAccessibleName("Technical details")
        self.details.setMinimumHeight(180)
        self.details.hide()

        self.copy_button = QPushButton("Copy details", self)
        self.copy_button.setToolTip(
            "Copy the technical details (API keys removed) to send to the team"
        )
        self.copy_button.clicked.connect(self.copy_details)
        self.toggle_button = QPushButton("Show details", self)
        self.toggle_button.setCheckable(True)
        self.toggle_button.toggled.connect(self._toggle_details)
        self.log_button = QPushButton("Open log folder", self)
        self.log_button.setVisible(report.log_file is not None)
        self.log_button.clicked.connect(self._open_log_folder)

        buttons = QDialogButtonBox(self)
        self.keep_button = buttons.addButton("Keep working", QDialogButtonBox.ButtonRole.AcceptRole)
        self.quit_button = buttons.addButton("Quit", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.keep_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        self.quit_button.clicked.connect(self._quit)

        top = QHBoxLayout()
        top.addWidget(picture)
        top.addWidget(self.message, 1)
        row = QHBoxLayout()
        row.addWidget(self.copy_button)
        row.addWidget(self.toggle_button)
        row.addWidget(self.log_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(row)
        layout.addWidget(self.details)
        layout.addWidget(buttons)

    def _message_html(self) -> str:
        where = ""
        if self.report.log_file is not None:
            where = f" A report was saved as <i>{self.report.log_file.name}</i> in the log folder."
        return (
            "<b>Something unexpected went wrong.</b><br><br>"
            "Your work is safe: unsaved changes are kept in a recovery copy, which Finetune Studio "
            "offers back the next time it starts.<br><br>"
            "You can keep working, but saving now and restarting the app is the safest choice. "
            f"If this keeps happening, use <b>Copy details</b> and send them to the team.{where}"
        )

    @Slot()
    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.report.details)
        self.copy_button.setText("Copied")

    @Slot(bool)
    def _toggle_details(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.toggle_button.setText("Hide details" if shown else "Show details")
        self.adjustSize()

    @Slot()
    def _open_log_folder(self) -> None:
        if self.report.log_file is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.report.log_file.parent)))

    @Slot()
    def _quit(self) -> None:
        self.quit_requested.emit()
        self.reject()


class QtCrashReporter(QObject):
    """Shows a CrashDialog on the main thread for crashes in any thread (one at a time)."""

    crashed = Signal(object)  # CrashReport; emitted from the failing thread, received queued

    def __init__(
        self,
        parent_getter: Callable[[], QWidget | None] = lambda: None,
        secrets: Callable[[], Iterable[str]] = tuple,
        before_dialog: Callable[[], None] | None = None,
        parent: QObject | None = None,
        *,
        show_dialog: bool = True,
    ) -> None:
        super().__init__(parent)
        self.parent_getter = parent_getter
        self.before_dialog = before_dialog
        self.show_dialog = show_dialog  # False in `--self-test`: report, but open no dialog
        self.handled = 0  # crashes seen on the main thread
        self.dialog: CrashDialog | None = None
        self.handler = CrashHandler(on_crash=self.crashed.emit, secrets=secrets)
        self.crashed.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        self.handler.install()

    def uninstall(self) -> None:
        self.handler.uninstall()

    @Slot(object)
    def _show(self, report: object) -> None:
        assert isinstance(report, CrashReport)
        if self.before_dialog is not None:
            # the dialog must appear even if writing the recovery copy fails
            with contextlib.suppress(Exception):
                self.before_dialog()
        self.handled += 1
        if not self.show_dialog:
            return
        if self.dialog is not None and self.dialog.isVisible():
            return  # one dialog at a time; every crash is in the log folder anyway
        self.dialog = CrashDialog(report, self.parent_getter())
        self.dialog.quit_requested.connect(_quit_application)
        self.dialog.open()


@Slot()
def _quit_application() -> None:
    app = QGuiApplication.instance()
    if app is not None:
        app.quit()


def install_crash_reporter(
    parent_getter: Callable[[], QWidget | None],
    secrets: Callable[[], Iterable[str]] = tuple,
    before_dialog: Callable[[], None] | None = None,
    *,
    show_dialog: bool = True,
) -> QtCrashReporter:
    """Create and install the reporter (keep the returned object; uninstall() on exit)."""
    reporter = QtCrashReporter(parent_getter, secrets, before_dialog, show_dialog=show_dialog)
    reporter.install()
    return reporter
