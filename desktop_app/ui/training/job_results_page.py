"""A job's "Results file" tab: the provider's results file as text, and saving it as CSV."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QFileDialog, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from desktop_app.core.errors import UserFacingError
from desktop_app.ui.errors import show_error
from desktop_app.ui.icons import icon
from desktop_app.ui.places import documents_folder


class ResultsPage(QWidget):
    """The results file of one job (empty until the job has finished)."""

    def __init__(self, job_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job_id = job_id
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("result-text")
        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setPlaceholderText("The results file appears here when the job has finished.")
        self.save_button = QPushButton(icon("document-save"), "Save results file…", self)
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.save)
        note = QLabel(
            "The provider's results file: one row per training step (files sent base64-encoded "
            "are decoded for you).",
            self,
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignRight)

    def show_results(self, text: str) -> bool:
        """Show the results file; False when it was shown already."""
        if self.text.toPlainText() == text:
            return False
        self.text.setPlainText(text)
        self.save_button.setEnabled(True)
        return True

    @Slot()
    def save(self) -> None:
        text = self.text.toPlainText()
        if not text:
            return
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            "Save results file",
            str(documents_folder() / f"{self.job_id}_results.csv"),
            "CSV files (*.csv)",
        )
        if not chosen:
            return
        try:
            Path(chosen).write_text(text, encoding="utf-8")
        except OSError as exc:
            show_error(
                self,
                UserFacingError(
                    "The results file could not be saved there.",
                    "Pick another folder and try again.",
                    technical=exc.strerror or "",
                ),
            )
