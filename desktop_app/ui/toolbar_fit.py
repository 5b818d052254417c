"""The toolbar keeps every button in view on a narrow screen by showing some as icons only.

At 1024 pixels the main toolbar needed more room than it had, and Qt moved its last buttons —
Next Problem and Train…, where the tour says training starts — behind a » menu. Where the
toolbar is narrower than it needs, the buttons every writer knows by their icons (New, Open,
Save, Undo, Redo) drop their labels (their tooltips still name them); the rest keep theirs."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QToolBar, QToolButton


class ToolbarFit(QObject):
    """Shows `by_icon` as icons only while `toolbar` is narrower than its labelled width."""

    def __init__(self, toolbar: QToolBar, by_icon: list[QAction]) -> None:
        super().__init__(toolbar)
        self.toolbar = toolbar
        self.by_icon = by_icon
        self.compact = False
        self._labelled_width = 0  # the width with every label, measured while they show
        toolbar.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.toolbar and event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def fit(self) -> None:
        if not self.compact:
            self._labelled_width = self.toolbar.sizeHint().width()
        compact = self.toolbar.width() < self._labelled_width
        if compact == self.compact:
            return
        self.compact = compact
        style = (
            Qt.ToolButtonStyle.ToolButtonIconOnly
            if compact
            else Qt.ToolButtonStyle.ToolButtonTextBesideIcon
        )
        for action in self.by_icon:
            button = self.toolbar.widgetForAction(action)
            if isinstance(button, QToolButton):
                button.setToolButtonStyle(style)
