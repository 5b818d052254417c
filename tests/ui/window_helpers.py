"""Helpers for the window tests: a real MainWindow with its own pools, offscreen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from desktop_app.app import build_window
from desktop_app.core.settings.preferences import Preferences
from desktop_app.qt.tasks import TaskRunner
from desktop_app.qt.ui_state import UiState
from desktop_app.ui.main_window import FIRST_SIZE, MainWindow, Services
from run_processes import run_processes_for_tests


def make_window(qtbot, prefs: Preferences | None = None, show: bool = True) -> MainWindow:
    services = Services(
        pools=TaskRunner(run_processes_for_tests()),
        prefs=prefs or Preferences(sample_shown=True),
        ui_state=UiState(),
        persist_prefs=False,
    )
    window = build_window(QApplication.instance(), services=services)
    if services.ui_state.load_bytes("geometry") is None:
        # the size of a first start on a big screen (offscreen's screen is 800×800: the window
        # would fit itself to it, tests/ui/test_window_frame.py checks that)
        window.resize(*FIRST_SIZE)
    # not qtbot.addWidget: pytest-qt would close it before our fixture can mark it saved
    if show:  # (False: a test does something before the window shows, as a start with a file)
        window.show()
        qtbot.waitExposed(window)
    return window


def close_window(window: MainWindow) -> None:
    """Close without the save prompt (the test already checked what it wanted)."""
    if window.document is not None:
        window.document.undo_stack.setClean()
        window.document.never_saved = False
    window.close()
    window.deleteLater()


def is_checked(window: MainWindow) -> bool:
    analysis = window.document.analysis
    return (
        analysis.enabled
        and not analysis.checking
        and not analysis.rechecking
        and not analysis.dataset_checking  # the whole-file findings are final
        and analysis.checked_count == len(analysis.summaries)
        and bool(analysis.dataset_problems())
    )


def open_and_check(qtbot, window: MainWindow, path: Path) -> None:
    window.files.open_path(path)
    qtbot.waitUntil(lambda: not window.document.loading, timeout=20_000)
    qtbot.waitUntil(lambda: is_checked(window), timeout=30_000)
    window.problems_model.rebuild()


_POLLERS: list[list[bool]] = []  # one flag per waiting answer_next_dialog: True = stop


def stop_answering_dialogs() -> None:
    """End every answer_next_dialog still waiting (a test's leftover must not answer the next
    test's dialog; tests/ui/conftest.py calls this after each test)."""
    for stopped in _POLLERS:
        stopped[0] = True
    _POLLERS.clear()


def answer_next_dialog(act: Callable[[QWidget], None], timeout_ms: int = 5000) -> list[str]:
    """Act on the next modal dialog (message box, input dialog) once it is shown."""
    seen: list[str] = []
    waited = [0]
    stopped = [False]
    _POLLERS.append(stopped)

    def poll() -> None:
        if stopped[0]:
            return
        widget = QApplication.activeModalWidget()
        if isinstance(widget, QMessageBox | QDialog) and widget.isVisible():
            seen.append(widget.text() if isinstance(widget, QMessageBox) else widget.windowTitle())
            act(widget)
            return
        waited[0] += 20
        if waited[0] < timeout_ms:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)
    return seen


def click(button: QMessageBox.StandardButton) -> Callable[[QWidget], None]:
    def act(widget: QWidget) -> None:
        assert isinstance(widget, QMessageBox)
        widget.button(button).click()

    return act


def drop_file(window: MainWindow, path: Path) -> None:
    """Drop a file on the window as a file manager would."""
    from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(
        QPoint(10, 10).toPointF(),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)


def turn_wheel(widget, notches: int = -1) -> None:
    """One turn of the mouse wheel over the middle of `widget` (negative: towards the user)."""
    middle = QPointF(widget.rect().center())
    event = QWheelEvent(
        middle,
        widget.mapToGlobal(middle),
        QPoint(0, 0),
        QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)
