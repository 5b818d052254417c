"""What the main window hands its controllers: its parts (panes, editor, status line), the
document it shows now, and the examples' selection.

MainWindow is a frame: it builds these once (`MainWindow.complete`) and gives them to each
controller (files and documents, edit actions, status, menus) as constructor arguments, so a
controller's inputs are written in its signature instead of reached through the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget

    from desktop_app.qt.document import Document
    from desktop_app.qt.examples_model import ExamplesModel
    from desktop_app.qt.problems_model import ProblemsModel
    from desktop_app.ui.editor.example_editor import ExampleEditor
    from desktop_app.ui.panes.examples_pane import ExamplesPane
    from desktop_app.ui.panes.overview_pane import OverviewPane
    from desktop_app.ui.panes.problems_pane import ProblemsPane
    from desktop_app.ui.side_area import SideArea


# Start-up work that can wait (the first check's imports, the dictionary) begins this long after
# the window is complete: at once, it competed with building the window and with a file opened
# right away for the interpreter lock (a 100-130 ms stall, tests/ui/test_responsive.py).
WARM_UP_AFTER_MS = 1500


@dataclass(frozen=True)
class WindowParts:
    """The widgets of one main window that its controllers use (`window`: dialogs' parent)."""

    window: QMainWindow
    examples_pane: ExamplesPane
    editor: ExampleEditor
    problems_pane: ProblemsPane
    overview_pane: OverviewPane
    side_area: SideArea
    status_label: QLabel

    @property
    def side_tabs(self) -> QTabWidget:
        return self.side_area.tabs

    def say(self, text: str) -> None:
        """A short line in the status bar (what happened, what to do next)."""
        self.status_label.setText(text)


class Shown:
    """The document the window shows now and the two models over it (None between documents).

    Only `MainWindow.set_document` changes it; controllers read it when they act."""

    def __init__(self) -> None:
        self.document: Document | None = None
        self.examples_model: ExamplesModel | None = None
        self.problems_model: ProblemsModel | None = None

    def ready(self) -> Document | None:
        """The document, when one is shown and has finished opening."""
        document = self.document
        return document if document is not None and not document.loading else None


class Selection:
    """The examples the writer has chosen in the examples table."""

    def __init__(self, pane: ExamplesPane) -> None:
        self.pane = pane

    def selected(self) -> list[int]:
        return self.pane.selected_records()

    def current(self) -> int | None:
        return self.pane.current_record()

    def targets(self) -> list[int]:
        """The selected examples, or the current one."""
        rows = self.selected()
        if not rows:
            current = self.current()
            rows = [current] if current is not None else []
        return rows

    def insert_position(self, count: int) -> int:
        """Where new examples go: after the chosen ones, else at the end (`count` examples)."""
        rows = self.targets()
        return (max(rows) + 1) if rows else count
