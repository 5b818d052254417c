"""Edit the dataset's word list: banned words or phrases (with what to write instead) and
preferred words. Saved in the review sidecar next to the dataset, never in the dataset itself."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.checks.voice.wordlist import WordList
from desktop_app.core.dataset.review import write_wordlist
from desktop_app.core.errors import UserFacingError


def banned_text(words: WordList) -> str:
    return "\n".join(f"{p} => {i}" if i else p for p, i in words.banned)


class WordListDialog(QDialog):
    """Two lists, one entry a line; OK keeps them with the dataset."""

    def __init__(self, words: WordList, path: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Word list")
        self.path = path
        self.words = words
        intro = QLabel(
            "Replies that use a banned word or phrase get a warning, with a fix that puts in what "
            "to write instead. One per line; write “phrase => instead” to say what to use.",
            self,
        )
        intro.setWordWrap(True)
        self.banned = QPlainTextEdit(banned_text(words), self)
        self.banned.setAccessibleName("Banned words and phrases")
        self.banned.setPlaceholderText("delve => look\nat the end of the day")
        self.preferred = QPlainTextEdit("\n".join(words.preferred), self)
        self.preferred.setAccessibleName("Preferred words")
        self.preferred.setPlaceholderText("glad\nright away")
        where = (
            f"Kept in {path.name}.ftstudio.json, next to the dataset."
            if path is not None
            else "This dataset is not saved yet: the list is kept until you close it."
        )
        self.where = QLabel(where, self)
        self.where.setEnabled(False)
        self.error = QLabel("", self)
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(QLabel("Banned (and what to write instead):", self))
        layout.addWidget(self.banned, 2)
        layout.addWidget(QLabel("Preferred:", self))
        layout.addWidget(self.preferred, 1)
        layout.addWidget(self.where)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(520, 460)

    def edited(self) -> WordList:
        preferred = "\n".join("+" + w for w in self.preferred.toPlainText().splitlines())
        return WordList.from_text(self.banned.toPlainText() + "\n" + preferred)

    def accept(self) -> None:
        words = self.edited()
        if self.path is not None:
            try:
                write_wordlist(self.path, words)
            except (OSError, UserFacingError) as exc:
                self.error.setText(
                    f"The word list could not be saved next to the dataset ({exc}). Check that "
                    "the folder can be written to, then press OK again."
                )
                self.error.show()
                return
        self.words = words
        super().accept()
