"""Caption and value rows that put each caption above its value when the room is narrow.

QFormLayout's WrapLongRows decides row by row from size hints, and does not give a wrapped value
the height it needs in a narrow pane; so this is a grid that lays out every row one way or the
other by the width it is given (the overview beside a 1024-pixel window wrapped "21 draft, 0
needs work, 0 approved" onto four lines of a column 80 pixels wide).
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

NARROW = 300  # pixels: below this width each caption goes above its value


class CaptionRows(QGridLayout):
    """`addRow(caption, field)`: side by side when there is room, else stacked;
    `add_stacked(caption, field)`: always the caption on its own line, the field under it."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setHorizontalSpacing(10)
        self._rows: list[tuple[QLabel | None, QWidget, bool]] = []  # caption, field, stacked
        self._narrow: bool | None = None  # None until first laid out

    def addRow(self, caption: str, field: QWidget) -> None:
        label = QLabel(caption, field.parentWidget())
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._rows.append((label, field, False))
        self._arrange(bool(self._narrow))

    def add_stacked(self, caption: str, field: QWidget) -> None:
        label = QLabel(caption, field.parentWidget()) if caption else None
        self._rows.append((label, field, True))
        self._arrange(bool(self._narrow))

    def setGeometry(self, rect: QRect) -> None:
        narrow = rect.width() < NARROW
        if narrow != self._narrow:
            self._arrange(narrow)
        super().setGeometry(rect)

    def _arrange(self, narrow: bool) -> None:
        self._narrow = narrow
        for label, field, _ in self._rows:
            for widget in (label, field):
                if widget is not None:
                    self.removeWidget(widget)
        row = 0
        for label, field, stacked in self._rows:
            if stacked or narrow:
                if label is not None:
                    self.addWidget(label, row, 0, 1, 2)
                    row += 1
                self.addWidget(field, row, 0, 1, 2)
            else:
                if label is not None:
                    self.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop)
                self.addWidget(field, row, 1)
            row += 1
        self.setColumnStretch(0, 0)
        self.setColumnStretch(1, 1)
