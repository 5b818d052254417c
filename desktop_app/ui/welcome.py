"""The welcome screen for a first start: open the sample, start from a template, open a file,
import a spreadsheet, or take the tour.

`WelcomeScreen` is a plain widget that only emits what the person chose; the main window does
the work (open_sample, open_template, open_dialog, import_examples, the tour). `WelcomeDialog`
wraps it in a dialog that closes as soon as something is chosen.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QCommandLinkButton,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.dataset.templates import TEMPLATES, Template
from desktop_app.ui.icons import icon, pixmap
from desktop_app.ui.screen_fit import fit_size

TITLE = "Welcome to Finetune Studio"
SUBTITLE = (
    "Collect example conversations, check them, and train a model that answers the way you "
    "want — without typing any JSON."
)


class WelcomeScreen(QWidget):
    sample_requested = Signal()
    template_requested = Signal(str)  # the template's name (core.dataset.templates)
    open_file_requested = Signal()
    import_requested = Signal()
    tour_requested = Signal()
    show_at_start_changed = Signal(bool)

    def __init__(self, show_at_start: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome-screen")
        self.buttons: dict[str, QCommandLinkButton] = {}

        logo = QLabel(self)
        logo.setPixmap(pixmap("finetune-studio", 64))
        title = QLabel(f"<h2>{TITLE}</h2>", self)
        subtitle = QLabel(SUBTITLE, self)
        subtitle.setWordWrap(True)
        heading = QVBoxLayout()
        heading.addWidget(title)
        heading.addWidget(subtitle)
        top = QHBoxLayout()
        top.addWidget(logo, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(heading, 1)

        start = QGridLayout()
        start.addWidget(self._section("Start here"), 0, 0)
        start.addWidget(
            self._button(
                "sample",
                "Open the sample dataset",
                "document-open",
                "A short brand-voice dataset with a few deliberate problems to explore.",
                self.sample_requested.emit,
            ),
            1,
            0,
        )
        start.addWidget(
            self._button(
                "open",
                "Open a file…",
                "document-open",
                "A .jsonl dataset you already have.",
                self.open_file_requested.emit,
            ),
            2,
            0,
        )
        start.addWidget(
            self._button(
                "import",
                "Import a spreadsheet…",
                "import",
                "Turn rows of a CSV, TSV or Excel file into examples.",
                self.import_requested.emit,
            ),
            3,
            0,
        )
        start.addWidget(self._section("Or start from a template"), 0, 1)
        for row, template in enumerate(TEMPLATES, start=1):
            start.addWidget(self._template_button(template), row, 1)
        start.setRowStretch(max(len(TEMPLATES), 3) + 1, 1)

        self.tour_button = QPushButton(icon("help"), "Take a quick tour of the window", self)
        self.tour_button.setObjectName("welcome-tour")
        self.tour_button.setFlat(True)
        self.tour_button.clicked.connect(self.tour_requested.emit)
        self.show_at_start = QCheckBox("Show this screen when Finetune Studio starts", self)
        self.show_at_start.setObjectName("welcome-show-at-start")
        self.show_at_start.setChecked(show_at_start)
        self.show_at_start.toggled.connect(self.show_at_start_changed.emit)
        bottom = QHBoxLayout()
        bottom.addWidget(self.tour_button)
        bottom.addStretch(1)
        bottom.addWidget(self.show_at_start)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addSpacing(12)
        layout.addLayout(start, 1)
        layout.addLayout(bottom)

    def _section(self, text: str) -> QLabel:
        label = QLabel(f"<b>{text}</b>", self)
        label.setAccessibleName(text)
        return label

    def _button(
        self, key: str, text: str, icon_name: str, description: str, slot: object
    ) -> QCommandLinkButton:
        button = QCommandLinkButton(text, description, self)
        button.setObjectName(f"welcome-{key}")
        button.setIcon(icon(icon_name))
        button.setIconSize(QSize(24, 24))
        button.setAccessibleDescription(description)
        button.clicked.connect(slot)
        self.buttons[key] = button
        return button

    def _template_button(self, template: Template) -> QCommandLinkButton:
        button = self._button(
            f"template-{template.name}",
            template.title,
            "document-new",
            template.description,
            lambda: self.template_requested.emit(template.name),
        )
        return button


class WelcomeDialog(QDialog):
    """The welcome screen in a dialog; `choice` says what was picked ("" when just closed)."""

    sample_requested = Signal()
    template_requested = Signal(str)
    open_file_requested = Signal()
    import_requested = Signal()
    tour_requested = Signal()

    def __init__(self, show_at_start: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome-dialog")
        self.setWindowTitle(TITLE)
        self.choice = ""
        self.screen_widget = WelcomeScreen(show_at_start, self)
        close = QPushButton("Close", self)
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.screen_widget)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        screen = self.screen_widget
        screen.sample_requested.connect(self._on_sample)
        screen.template_requested.connect(self._on_template)
        screen.open_file_requested.connect(self._on_open)
        screen.import_requested.connect(self._on_import)
        screen.tour_requested.connect(self._on_tour)
        # wide enough that each description wraps to two lines at most: at its own size hint
        # (~570 pixels) "Support replies" wrapped to three and its last line was cut off
        fit_size(self, 760, self.sizeHint().height())

    @property
    def show_at_start(self) -> bool:
        return self.screen_widget.show_at_start.isChecked()

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()

    @Slot()
    def _on_sample(self) -> None:
        self._choose("sample")
        self.sample_requested.emit()

    @Slot(str)
    def _on_template(self, name: str) -> None:
        self._choose(f"template:{name}")
        self.template_requested.emit(name)

    @Slot()
    def _on_open(self) -> None:
        self._choose("open")
        self.open_file_requested.emit()

    @Slot()
    def _on_import(self) -> None:
        self._choose("import")
        self.import_requested.emit()

    @Slot()
    def _on_tour(self) -> None:
        self._choose("tour")
        self.tour_requested.emit()
