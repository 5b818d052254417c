"""File ▸ New: pick a starting point (an empty file or a template with a few examples)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.dataset.templates import TEMPLATES, Template
from desktop_app.ui.icons import icon


class NewDatasetDialog(QDialog):
    """A list of templates; `chosen()` is the one picked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New dataset")
        self.setAccessibleName("New dataset")
        intro = QLabel("Start from an empty dataset, or from a template with a few examples:", self)
        intro.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setAccessibleName("Templates")
        for template in TEMPLATES:
            item = QListWidgetItem(
                icon("document-new"), f"{template.title}\n{template.description}"
            )
            item.setData(Qt.ItemDataRole.UserRole, template.name)
            item.setToolTip(template.description)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(self.accept)
        self.list.setSpacing(4)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(460, 340)

    def chosen(self) -> Template:
        item = self.list.currentItem()
        name = item.data(Qt.ItemDataRole.UserRole) if item is not None else "empty"
        return next(t for t in TEMPLATES if t.name == name)
