"""Help ▸ About Finetune Studio: the version, where its files live, and the bundled components
with their licences (from resources/licenses/components.json, written by
packaging/collect_licenses.py). Selecting a component shows its licence text.
"""

from __future__ import annotations

import contextlib
import json
import platform
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, Slot, qVersion
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app import __version__
from desktop_app.core.files.folders import config_dir, data_dir, log_dir, recovery_dir
from desktop_app.core.files.resources import resource
from desktop_app.ui.icons import pixmap
from desktop_app.ui.screen_fit import fit_size

HEADLINE = "Curate, check and train chat fine-tuning datasets on the desktop, without typing JSON."


@dataclass(frozen=True, slots=True)
class Component:
    name: str
    version: str
    license: str
    file: str
    note: str

    def licence_text(self) -> str:
        if not self.file:
            return f"{self.name} is used only on some systems; its licence is {self.license}."
        try:
            return resource("licenses", self.file).read_text(encoding="utf-8")
        except OSError:
            return f"The licence text of {self.name} ({self.license}) is missing from this installation."


def load_components() -> list[Component]:
    """The bundled components, versions as installed here when they can be read."""
    raw = json.loads(resource("licenses", "components.json").read_text(encoding="utf-8"))
    components = []
    for entry in raw:
        installed = entry.get("version", "")
        if entry["name"] == "Finetune Studio":
            installed = __version__
        elif entry["name"] == "Python":
            installed = platform.python_version()
        else:
            # a frozen bundle lacks most packages' metadata: then the version recorded at build time
            with contextlib.suppress(PackageNotFoundError):
                installed = version(entry["name"])
        components.append(
            Component(
                entry["name"],
                installed,
                entry["license"],
                entry.get("file", ""),
                entry.get("note", ""),
            )
        )
    return components


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("about-dialog")
        self.setWindowTitle("About Finetune Studio")
        fit_size(self, 720, 560)
        self.components = load_components()

        logo = QLabel(self)
        logo.setPixmap(pixmap("finetune-studio", 64))
        self.heading = QLabel(self)
        self.heading.setObjectName("about-heading")
        self.heading.setWordWrap(True)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.heading.setText(
            f"<h2>Finetune Studio {__version__}</h2><p>{HEADLINE}</p>"
            f"<p>Qt {qVersion()}, PySide6 {pyside_version}, Python {platform.python_version()}. "
            "Finetune Studio is free software under the MIT licence. It is built with the "
            "components below, each under its own licence; Qt is used under the LGPL version 3.</p>"
        )
        top = QHBoxLayout()
        top.addWidget(logo, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.heading, 1)

        self.folders = QLabel(self)
        self.folders.setObjectName("about-folders")
        self.folders.setWordWrap(True)
        self.folders.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folders.setText(
            "<b>Your files</b><br>"
            f"Settings: {config_dir()}<br>"
            f"Recovery copies: {recovery_dir()}<br>"
            f"Job records: {data_dir()}<br>"
            f"Logs and crash reports: {log_dir()}"
        )

        self.table = QTableWidget(len(self.components), 3, self)
        self.table.setObjectName("about-components")
        self.table.setHorizontalHeaderLabels(["Component", "Version", "Licence"])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        for row, component in enumerate(self.components):
            name = QTableWidgetItem(component.name)
            if component.note:
                name.setToolTip(component.note)
            self.table.setItem(row, 0, name)
            self.table.setItem(row, 1, QTableWidgetItem(component.version))
            self.table.setItem(row, 2, QTableWidgetItem(component.license))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.currentCellChanged.connect(self._show_licence)

        self.licence = QPlainTextEdit(self)
        self.licence.setObjectName("about-licence")
        self.licence.setReadOnly(True)
        self.licence.setAccessibleName("Licence text")
        self.licence.setPlaceholderText("Select a component to read its licence.")

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.licence)
        splitter.setSizes([280, 180])

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.folders)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        if self.components:
            self.table.setCurrentCell(0, 0)

    @Slot(int, int, int, int)
    def _show_licence(self, row: int, _column: int, _old_row: int, _old_column: int) -> None:
        if 0 <= row < len(self.components):
            self.licence.setPlainText(self.components[row].licence_text())

    def select(self, name: str) -> bool:
        """Select a component by name (True if found)."""
        for row, component in enumerate(self.components):
            if component.name.lower() == name.lower():
                self.table.setCurrentCell(row, 0)
                return True
        return False
