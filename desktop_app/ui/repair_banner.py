"""The banner above the examples that offers to repair a file (or bring in its examples).

Layout only: the sentence, a progress bar with Cancel while the file is being looked at, and
Preview / Repair / Not now. `repair_wiring.py` decides what it says and what the buttons do.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from desktop_app.ui.icons import icon


class RepairBanner(QFrame):
    preview_requested = Signal()
    repair_requested = Signal()
    cancel_requested = Signal()
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("repair-banner")
        self.setAccessibleName("Repair this file")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "QFrame#repair-banner { background: palette(alternate-base);"
            " border: 1px solid palette(mid); border-radius: 4px; }"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        self.icon = QLabel()
        self.icon.setPixmap(icon("severity-warning").pixmap(20, 20))
        layout.addWidget(self.icon)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setAccessibleName("What Finetune Studio can do with this file")
        layout.addWidget(self.text, 1)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(180)
        self.progress.setAccessibleName("Progress")
        layout.addWidget(self.progress)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop looking at the file; nothing is changed")
        self.cancel_button.clicked.connect(self.cancel_requested)
        layout.addWidget(self.cancel_button)
        self.preview_button = QPushButton("&Preview…")
        self.preview_button.setToolTip("See each example before and after, side by side")
        self.preview_button.clicked.connect(self.preview_requested)
        layout.addWidget(self.preview_button)
        self.repair_button = QPushButton("&Repair")
        self.repair_button.setToolTip(
            "Repair it here; the file on disk is untouched until you save"
        )
        self.repair_button.clicked.connect(self.repair_requested)
        layout.addWidget(self.repair_button)
        self.close_button = QPushButton("Not now")
        self.close_button.setToolTip("Hide this; the file stays as it is")
        self.close_button.clicked.connect(self.dismissed)
        layout.addWidget(self.close_button)
        self.hide()

    def show_working(self, text: str) -> None:
        """A sentence with a progress bar and Cancel (while the file is looked at or repaired)."""
        self.text.setText(text)
        self.progress.setValue(0)
        self._show(working=True)

    def set_progress(self, fraction: float) -> None:
        self.progress.setValue(round(fraction * 100))

    def show_offer(self, text: str, action: str = "&Repair") -> None:
        """The offer, with Preview and the action button."""
        self.text.setText(text)
        self.repair_button.setText(action)
        self._show(working=False)

    def _show(self, *, working: bool) -> None:
        self.progress.setVisible(working)
        self.cancel_button.setVisible(working)
        for button in (self.preview_button, self.repair_button, self.close_button):
            button.setVisible(not working)
        self.show()
