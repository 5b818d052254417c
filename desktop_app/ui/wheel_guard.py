"""The mouse wheel scrolls the page, not the choice box the pointer happens to pass over.

Qt's combo and spin boxes take every wheel turn over them, even unfocused: a writer scrolling a
conversation changed which call a tool's answer answered (seen in the weather file), and the
overview's model or epochs could change the same way. A guarded box takes the wheel only once
it has focus (clicked or tabbed to); otherwise the turn scrolls the area around it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QScrollArea,
    QWidget,
)


class _WheelGuard(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.Wheel or not isinstance(watched, QWidget):
            return False
        if watched.hasFocus():
            return False  # chosen on purpose: the wheel steps through the choices
        area = _scroll_area_around(watched)
        if area is not None:
            QApplication.sendEvent(area.viewport(), event)
        return True


def scroll_past(*widgets: QWidget) -> None:
    """Let wheel turns over `widgets` scroll their page unless the widget has focus."""
    for widget in widgets:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # a wheel turn must not focus it
        widget.installEventFilter(_WheelGuard(widget))


def _scroll_area_around(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QAbstractScrollArea):
        parent = parent.parentWidget()
    return parent


def scroll_past_boxes_in(area: QScrollArea) -> None:
    """`scroll_past` for every combo and spin box on a scroll area's page (made before this)."""
    page = area.widget()
    if page is not None:
        scroll_past(*page.findChildren(QComboBox), *page.findChildren(QAbstractSpinBox))
