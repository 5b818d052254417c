"""Windows and dialogs at their preferred size, or at what a smaller screen has room for.

Each window asked for a fixed size (the repair preview 1200×700, the job window 1180×820, the
start dialog 900×760): on a 1366×768 laptop or a 1024×700 screen their buttons were off screen.
"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

SCREEN_MARGIN = 40  # left for the title bar and the frame on a smaller screen


def fit_size(widget: QWidget, width: int, height: int, *, centre: bool = False) -> None:
    """Resize to width×height, or less where the widget's screen has no room for it; `centre`
    also puts a top-level window in the middle of that screen (dialogs centre on their parent)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        widget.resize(width, height)
        return
    room = screen.availableGeometry()
    width = max(1, min(width, room.width() - SCREEN_MARGIN))
    height = max(1, min(height, room.height() - SCREEN_MARGIN))
    widget.resize(width, height)
    if centre:
        widget.move(
            room.x() + (room.width() - width) // 2, room.y() + (room.height() - height) // 2
        )


def grow_to_content(widget: QWidget) -> None:
    """Taller, within the screen, when wrapped text now needs more height at the window's width
    (a dialog sized once kept its height while a two-line notice replaced a one-line one)."""
    layout = widget.layout()
    if layout is None:
        return
    width = widget.width()
    needed = (
        layout.totalHeightForWidth(width)
        if layout.hasHeightForWidth()
        else layout.totalSizeHint().height()
    )
    if needed > widget.height():
        fit_size(widget, width, needed)
