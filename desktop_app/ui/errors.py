"""The one funnel for errors a person sees: what happened, what to do next, details folded away.

`show_error` takes a UserFacingError (or any exception, which gets a generic plain message) and
shows a message box; the technical details (never secrets, never a repr) sit behind "Show
Details…". Every error shown is also written to the log.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_app.core.errors import UserFacingError
from desktop_app.core.keys.scrub import scrub

log = logging.getLogger(__name__)


def redact(text: str) -> str:
    """Remove anything that looks like an API key from text meant for a dialog or a log."""
    return scrub(text)


def describe(error: BaseException) -> tuple[str, str, str]:
    """(message, next step, technical details) for any exception."""
    if isinstance(error, UserFacingError):
        return error.message, error.next_step, redact(error.technical)
    return (
        "Something went wrong that Finetune Studio did not expect.",
        "Your work is kept. Try again; if it keeps happening, send the log file to the team.",
        redact(f"{type(error).__name__}: {error}"),
    )


def build_error_box(
    parent: QWidget | None, error: BaseException, title: str = "Finetune Studio"
) -> QMessageBox:
    message, next_step, technical = describe(error)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(message)
    if next_step:
        box.setInformativeText(next_step)
    if technical:
        box.setDetailedText(technical)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setAccessibleName("Error")
    box.setAccessibleDescription(f"{message} {next_step}".strip())
    return box


def show_error(
    parent: QWidget | None, error: BaseException, title: str = "Finetune Studio"
) -> QMessageBox:
    """Log the error and show it (window-modal, without blocking the caller)."""
    message, _, technical = describe(error)
    log.error("shown to the user: %s (%s)", message, technical)
    box = build_error_box(parent, error, title)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setObjectName("error-box")
    box.open()
    return box
