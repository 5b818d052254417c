"""A one-line label that ends in … where it is too narrow, the whole text in its tooltip.

superqt's QElidingLabel does this too, but importing superqt costs ~140 ms before the window's
first paint (the status bar and the editor's bubbles use this one)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class ElidingLabel(QLabel):
    """A label that never makes its row wider than `least` pixels: the rest is elided."""

    def __init__(
        self,
        parent: QWidget | None = None,
        least: int = 40,
        tip: str = "",
        mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight,
    ) -> None:
        super().__init__(parent)
        self._full = ""
        self._mode = mode
        self._tip = tip  # said before the whole text in the tooltip ("" = the text alone)
        self._least = least
        self.setMinimumWidth(least)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:
        self._full = text
        self.setToolTip(f"{self._tip}\n{text}" if self._tip and text else text)
        self.updateGeometry()
        self._elide()

    def text(self) -> str:
        return self._full

    def sizeHint(self) -> QSize:
        """As wide as the whole text (a layout gives it that room when it has it)."""
        frame = self.width() - self.contentsRect().width()  # padding and border (style sheet)
        text = self.fontMetrics().horizontalAdvance(self._full) + 2
        return QSize(text + frame, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        return QSize(self._least, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        room = self.contentsRect().width()
        shown = self.fontMetrics().elidedText(self._full, self._mode, room)
        super().setText(shown)
