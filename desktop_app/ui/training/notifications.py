"""A desktop notification when a job succeeds or fails, also while the window is minimised.

Uses the system tray (QSystemTrayIcon) where the desktop has one; without a tray the window asks
for attention (a flashing taskbar entry). Either way the main window's status line says it too, so
it no longer reads “Training job … started.” once the job has ended.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QApplication, QMainWindow, QSystemTrayIcon, QWidget

from desktop_app.core.providers.base import Job, JobStatus
from desktop_app.ui.icons import icon

log = logging.getLogger(__name__)
SHOW_MS = 15_000


def finished_text(job: Job, where: str = "") -> tuple[str, str]:
    """(title, message) for a job that ended, in plain words."""
    place = f" on {where}" if where else ""
    if job.status == JobStatus.SUCCEEDED:
        name = job.fine_tuned_model or "your fine-tuned model"
        return "Training finished", f"The model is ready{place}: {name}"
    if job.status == JobStatus.FAILED:
        if job.error is not None:
            what, _step = job.error.explain()
            return "Training failed", what
        return "Training failed", f"The job {job.id}{place} failed."
    return "Training stopped", f"The job {job.id}{place} was cancelled."


class JobNotifier(QObject):
    """Shows finished-job messages in the tray or, without one, in the status bar."""

    shown = Signal(str, str)  # title, message (whichever way it was shown)

    def __init__(
        self,
        window: QWidget | None = None,
        parent: QObject | None = None,
        say: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.window = window
        self._say = say  # the window's status line (else a message in its status bar)
        self._tray: QSystemTrayIcon | None = None

    @property
    def uses_tray(self) -> bool:
        return QSystemTrayIcon.isSystemTrayAvailable()

    def notify_job(self, job: Job, where: str = "") -> None:
        title, message = finished_text(job, where)
        ok = job.status == JobStatus.SUCCEEDED
        self.notify(title, message, ok=ok)

    def notify(self, title: str, message: str, *, ok: bool = True) -> None:
        if self.uses_tray:
            tray = self._ensure_tray()
            kind = (
                QSystemTrayIcon.MessageIcon.Information
                if ok
                else QSystemTrayIcon.MessageIcon.Warning
            )
            tray.showMessage(title, message, kind, SHOW_MS)
        elif self.window is not None:
            QApplication.alert(self.window)  # flashes the taskbar entry of a minimised window
        self._to_status_bar(f"{title}: {message}")
        self.shown.emit(title, message)

    def _ensure_tray(self) -> QSystemTrayIcon:
        if self._tray is None:
            self._tray = QSystemTrayIcon(icon("finetune-studio"), self)
            self._tray.setToolTip("Finetune Studio")
            self._tray.messageClicked.connect(self._raise_window)
            self._tray.show()
        return self._tray

    def _to_status_bar(self, text: str) -> None:
        if self._say is not None:
            self._say(text)
        elif isinstance(self.window, QMainWindow):
            self.window.statusBar().showMessage(text, SHOW_MS)
        log.info("notification: %s", text)

    @Slot()
    def _raise_window(self) -> None:
        if self.window is not None:
            self.window.showNormal()
            self.window.raise_()
            self.window.activateWindow()

    def close(self) -> None:
        if self._tray is not None:
            self._tray.hide()
            self._tray.deleteLater()
            self._tray = None
