"""The repair preview: each example before and after, side by side, with what was done to it."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.convert.opening import PreviewItem
from desktop_app.ui.screen_fit import fit_size
from desktop_app.ui.wrapping_list import wrap_entries


class RepairPreview(QDialog):
    """Accepting the dialog means “Repair”; closing it changes nothing."""

    def __init__(
        self,
        items: list[PreviewItem],
        summary: str,
        action: str = "&Repair",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("repair-preview")
        self.setWindowTitle("Preview the repair")
        self.items = items
        layout = QVBoxLayout(self)
        heading = QLabel(summary)
        heading.setWordWrap(True)
        layout.addWidget(heading)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.list = QListWidget()
        self.list.setAccessibleName("Changes, one per example")
        wrap_entries(self.list)  # each change as tall as its lines, none running off the side
        self.list.setSpacing(2)
        for item in items:
            self.list.addItem(item.title + (f"\n{item.notes}" if item.notes else ""))
        self.list.currentRowChanged.connect(self._show)
        splitter.addWidget(self.list)
        sides = QWidget()
        grid = QGridLayout(sides)
        grid.setContentsMargins(0, 0, 0, 0)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        grid.addWidget(self.notes, 0, 0, 1, 2)
        grid.addWidget(QLabel("<b>Before</b> (as the file has it)"), 1, 0)
        grid.addWidget(QLabel("<b>After</b> (one example per line once saved)"), 1, 1)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.before = self._text_box("Before the repair", mono)
        self.after = self._text_box("After the repair", mono)
        grid.addWidget(self.before, 2, 0)
        grid.addWidget(self.after, 2, 1)
        splitter.addWidget(sides)
        splitter.setSizes([340, 860])
        layout.addWidget(splitter, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.repair_button = QPushButton(action)
        buttons.addButton(self.repair_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.repair_button.clicked.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_size(self, 1200, 700)
        if items:
            self.list.setCurrentRow(0)

    @staticmethod
    def _text_box(name: str, font: QFont) -> QPlainTextEdit:
        box = QPlainTextEdit()
        box.setReadOnly(True)
        box.setFont(font)
        box.setAccessibleName(name)
        box.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        return box

    def _show(self, row: int) -> None:
        if not 0 <= row < len(self.items):
            return
        item = self.items[row]
        title, notes = html.escape(item.title), html.escape(item.notes)
        self.notes.setText(f"<b>{title}</b>: {notes}." if notes else f"<b>{title}</b>")
        self.before.setPlainText(item.before)
        self.after.setPlainText(item.after)
