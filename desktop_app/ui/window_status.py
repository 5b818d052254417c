"""The main window's status bar: what is happening (opening, checking, saving), progress with a
Cancel button, and the dataset's counts (also shown as the side tabs' icons).

`StatusWidgets` are built with the window's frame (they show "Starting…" before the panes exist);
`WindowStatus`, the controller, follows the shown document once the panes are built.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QLabel, QMainWindow, QProgressBar, QPushButton

from desktop_app.ui.eliding_label import ElidingLabel
from desktop_app.ui.window_parts import Shown, WindowParts

if TYPE_CHECKING:
    from desktop_app.qt.document import Document

FIRST_EXAMPLE_DELAY_MS = 40  # after the first rows of a file appear, the first example shows


@dataclass(frozen=True)
class StatusWidgets:
    """The status bar's widgets: a message, progress, Cancel, and the counts."""

    label: QLabel
    progress: QProgressBar
    cancel_button: QPushButton
    counts_label: QLabel

    @classmethod
    def build(cls, window: QMainWindow) -> StatusWidgets:
        label = ElidingLabel(window)
        label.setAccessibleName("Status")
        progress = QProgressBar(window)
        progress.setAccessibleName("Progress")
        progress.setMaximumWidth(220)
        progress.setTextVisible(True)
        progress.hide()
        cancel = QPushButton("Cancel", window)
        cancel.setAccessibleName("Cancel opening or checking")
        cancel.setToolTip("Stop opening or checking the file")
        cancel.hide()
        counts = QLabel(window)
        counts.setAccessibleName("Dataset counts")
        bar = window.statusBar()
        bar.addWidget(label, 1)
        bar.addPermanentWidget(progress)
        bar.addPermanentWidget(cancel)
        bar.addPermanentWidget(counts)
        return cls(label, progress, cancel, counts)


class WindowStatus(QObject):
    """Progress, Cancel and counts for the shown document (`follow` it when it is shown)."""

    def __init__(self, widgets: StatusWidgets, parts: WindowParts, shown: Shown) -> None:
        super().__init__(parts.window)
        self.widgets = widgets
        self.parts = parts
        self.shown = shown
        self.progress = widgets.progress
        self._progress_percent = -1
        self._counts_timer = QTimer(self)
        self._counts_timer.setSingleShot(True)
        self._counts_timer.setInterval(200)
        self._counts_timer.timeout.connect(self.update_counts)
        widgets.cancel_button.clicked.connect(self.cancel_background)

    def follow(self, document: Document) -> None:
        """Show the progress and counts of `document` (MainWindow.set_document)."""
        document.loading_changed.connect(self._on_loading_changed)
        document.load_progress.connect(self._on_load_progress)
        document.analysis.progress_changed.connect(self._on_check_progress)
        document.analysis.checking_changed.connect(self._on_checking_changed)
        document.analysis.counts_changed.connect(self.schedule_counts)
        document.undo_stack.indexChanged.connect(self.schedule_counts)

    @Slot()
    def schedule_counts(self) -> None:
        if not self._counts_timer.isActive():
            self._counts_timer.start()

    @Slot()
    def update_counts(self) -> None:
        """The status bar's counts and the side tabs' icons: the same numbers as the Problems
        list and the overview (errors, warnings still counted, warnings set aside)."""
        document = self.shown.document
        problems_model = self.shown.problems_model
        if document is None or problems_model is None:
            self.widgets.counts_label.setText("")
            return
        analysis = document.analysis
        lines = len(document.dataset)  # (what the examples table shows, one row per line)
        text = f"{lines:,} example{'s' if lines != 1 else ''}"
        counts = problems_model.counts()
        if analysis.enabled:
            text += " · " + counts.text().replace(", ", " · ")
        self.widgets.counts_label.setText(text)
        if not (analysis.enabled and lines):
            state = "Nothing to check yet"
        else:
            state = "Checking…" if analysis.checking else ""
        self._update_tab_icons(counts.errors, counts.warnings, state)

    def _update_tab_icons(self, errors: int, warnings: int, unfinished: str) -> None:
        """A red, orange or green mark on the Problems and Overview tabs; no green one while
        checks run or there is nothing to check (`unfinished` says which), so an empty window
        or a file half checked is not called "ready"."""
        from desktop_app.ui.icons import icon

        if errors:
            mark, tip = icon("severity-error"), f"{errors:,} errors to fix"
        elif warnings:
            mark, tip = icon("severity-warning"), f"{warnings:,} warnings to look at"
        elif not unfinished:
            mark, tip = icon("status-ok"), "No problems found"
        else:
            mark, tip = QIcon(), unfinished
        for pane in (self.parts.problems_pane, self.parts.overview_pane):
            index = self.parts.side_tabs.indexOf(pane)
            if index >= 0:
                self.parts.side_tabs.setTabIcon(index, mark)
                self.parts.side_tabs.setTabToolTip(index, tip)

    @Slot(bool)
    def _on_loading_changed(self, loading: bool) -> None:
        self.progress.setVisible(loading)
        self.widgets.cancel_button.setVisible(loading)
        if loading:
            self.progress.setRange(0, 100)
            self.progress.setValue(0)
            self.progress.setFormat("Opening… %p%")

    def _set_progress(self, value: int) -> None:
        """QProgressBar.setValue repaints the window on the spot; this lets it paint later."""
        self.progress.setUpdatesEnabled(False)
        self.progress.setValue(value)
        self.progress.setUpdatesEnabled(True)
        self.progress.update()

    @Slot(int, int)
    def _on_load_progress(self, done: int, total: int) -> None:
        percent = int(done * 100 / total) if total else 100
        if percent != self.progress.value():
            self._set_progress(percent)
        self.schedule_counts()
        if self.parts.examples_pane.current_record() is None:
            # once this batch is painted and the window has reacted: the editor's bubbles take
            # a few frames to build, and stacked on the batch the window would stall
            QTimer.singleShot(FIRST_EXAMPLE_DELAY_MS, self._show_first_example)

    @Slot()
    def _show_first_example(self) -> None:
        if self.shown.document is not None and self.parts.examples_pane.current_record() is None:
            self.parts.examples_pane.move_current(1)

    @Slot(int, int)
    def _on_check_progress(self, checked: int, total: int) -> None:
        if self.shown.document is not None and self.shown.document.loading:
            return
        percent = checked * 100 // total if total else 100
        if percent == self._progress_percent and self.progress.format() == "Checking… %p%":
            return  # a progress bar repaints at once: only when the number shown changes
        self._progress_percent = percent
        self.progress.setRange(0, 100)
        self.progress.setFormat("Checking… %p%")
        self._set_progress(percent)

    @Slot(bool)
    def _on_checking_changed(self, checking: bool) -> None:
        if self.shown.document is not None and self.shown.document.loading:
            return
        self.progress.setVisible(checking)
        self.widgets.cancel_button.setVisible(checking)
        if not checking:
            self.update_counts()
            document = self.shown.document
            analysis = document.analysis if document else None
            if analysis is not None and analysis.checked_count < len(analysis.summaries):
                self.parts.say("Checking was stopped. Edited examples are still checked as you go.")

    @Slot()
    def cancel_background(self) -> None:
        document = self.shown.document
        if document is None:
            return
        if document.loading:
            document.cancel_loading()
        else:
            document.analysis.cancel()
