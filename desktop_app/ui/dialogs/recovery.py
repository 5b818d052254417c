"""After a crash: offer the recovery copies left behind (restore, keep for later, or discard)."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.dataset.recovery import RecoveryInfo


def describe(info: RecoveryInfo) -> str:
    when = time.strftime("%d %b %Y, %H:%M", time.localtime(info.saved_at))
    where = str(info.original_path) if info.original_path else "never saved"
    if info.original_path is None and info.suggested_path is not None:
        where = f"never saved (to go in {info.suggested_path.parent})"
    size = (
        f"{info.size / 1024:,.0f} KB"
        if info.size < 1024 * 1024
        else f"{info.size / 1048576:,.1f} MB"
    )
    return f"{info.title} — unsaved changes from {when}\n{where} · {size}"


class RecoveryDialog(QDialog):
    """Lists recovery copies; Restore opens the chosen one, Discard deletes them all."""

    RESTORE = 1
    DISCARD = 2

    def __init__(self, infos: list[RecoveryInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restore unsaved work?")
        self.setAccessibleName("Restore unsaved work")
        self.infos = infos
        self.action = 0
        text = QLabel(
            "Finetune Studio did not close properly last time. It kept a copy of the work that "
            "was not saved yet. Restore it now, or discard it if you do not need it.",
            self,
        )
        text.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setAccessibleName("Unsaved work found")
        for info in infos:
            item = QListWidgetItem(describe(info))
            item.setData(Qt.ItemDataRole.UserRole, str(info.file))
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        buttons = QDialogButtonBox(self)
        self.restore_button = QPushButton("Restore", self)
        self.restore_button.setDefault(True)
        self.discard_button = QPushButton("Discard", self)
        self.discard_button.setToolTip("Delete these copies; your saved files are not touched")
        later = QPushButton("Decide later", self)
        later.setToolTip("Keep the copies and ask again at the next start")
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.discard_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton(later, QDialogButtonBox.ButtonRole.RejectRole)
        self.restore_button.clicked.connect(self._restore)
        self.discard_button.clicked.connect(self._discard)
        later.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(560, 300)

    def chosen(self) -> RecoveryInfo | None:
        row = self.list.currentRow()
        return self.infos[row] if 0 <= row < len(self.infos) else None

    def _restore(self) -> None:
        self.action = self.RESTORE
        self.accept()

    def _discard(self) -> None:
        self.action = self.DISCARD
        self.accept()
