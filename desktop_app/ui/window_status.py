"""The main window's status bar: what is happening (opening, checking, saving), progress with a
Cancel button, the dataset's counts, and which actions can be used now (a part of MainWindow).
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Slot
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton

FIRST_EXAMPLE_DELAY_MS = 40  # after the first rows of a file appear, the first example shows


class WindowStatus:
    """Status bar and action states (mixed into MainWindow)."""

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.status_label = QLabel(self)
        self.status_label.setAccessibleName("Status")
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName("Progress")
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setAccessibleName("Cancel opening or checking")
        self.cancel_button.setToolTip("Stop opening or checking the file")
        self.cancel_button.clicked.connect(self.cancel_background)
        self.cancel_button.hide()
        self._progress_percent = -1
        self._counts_timer = QTimer(self)
        self._counts_timer.setSingleShot(True)
        self._counts_timer.setInterval(200)
        self._counts_timer.timeout.connect(self._update_counts)
        self.counts_label = QLabel(self)
        self.counts_label.setAccessibleName("Dataset counts")
        bar.addWidget(self.status_label, 1)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel_button)
        bar.addPermanentWidget(self.counts_label)

    @Slot()
    def _update_actions(self) -> None:
        document = self.document
        ready = document is not None and not document.loading
        has_rows = ready and len(document.dataset) > 0  # type: ignore[union-attr]
        targets = bool(self._targets()) if ready else False
        for action in (self.act_save, self.act_save_as, self.act_add, self.act_import):
            action.setEnabled(ready)
        self.act_export.setEnabled(has_rows)
        self.act_export_for.setEnabled(has_rows)
        for action in (
            self.act_duplicate,
            self.act_delete,
            self.act_add_tag,
            self.act_remove_tag,
            self.act_note,
            *self.status_actions.values(),
        ):
            action.setEnabled(targets)
        self.act_system_prompt.setEnabled(has_rows)
        self.act_find_replace.setEnabled(has_rows)

    def _schedule_counts(self) -> None:
        if not self._counts_timer.isActive():
            self._counts_timer.start()

    @Slot()
    def _update_counts(self) -> None:
        """The status bar's counts and the side tabs' icons: the same numbers as the Problems
        list and the overview (errors, warnings still counted, warnings set aside)."""
        document = self.document
        if document is None or self.problems_model is None:
            self.counts_label.setText("")
            return
        analysis = document.analysis
        lines = len(document.dataset)  # (what the examples table shows, one row per line)
        text = f"{lines:,} example{'s' if lines != 1 else ''}"
        counts = self.problems_model.counts()
        if analysis.enabled:
            text += " · " + counts.text().replace(", ", " · ")
        self.counts_label.setText(text)
        self._update_tab_icons(counts.errors, counts.warnings, analysis.enabled)

    def _update_tab_icons(self, errors: int, warnings: int, checked: bool) -> None:
        from desktop_app.ui.icons import icon

        if errors:
            name, tip = "severity-error", f"{errors:,} errors to fix"
        elif warnings:
            name, tip = "severity-warning", f"{warnings:,} warnings to look at"
        else:
            name, tip = "status-ok", "No problems found" if checked else ""
        for pane in (self.problems_pane, self.overview_pane):
            index = self.side_tabs.indexOf(pane)
            if index >= 0:
                self.side_tabs.setTabIcon(index, icon(name))
                self.side_tabs.setTabToolTip(index, tip)

    @Slot(bool)
    def _on_loading_changed(self, loading: bool) -> None:
        self.progress.setVisible(loading)
        self.cancel_button.setVisible(loading)
        if loading:
            self.progress.setRange(0, 100)
            self.progress.setValue(0)
            self.progress.setFormat("Opening… %p%")
        self._update_actions()

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
        self._schedule_counts()
        if self.examples_pane.current_record() is None:
            # once this batch is painted and the window has reacted: the editor's bubbles take
            # a few frames to build, and stacked on the batch the window would stall
            QTimer.singleShot(FIRST_EXAMPLE_DELAY_MS, self._show_first_example)

    @Slot()
    def _show_first_example(self) -> None:
        if self.document is not None and self.examples_pane.current_record() is None:
            self.examples_pane.move_current(1)

    @Slot(int, int)
    def _on_check_progress(self, checked: int, total: int) -> None:
        if self.document is not None and self.document.loading:
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
        if self.document is not None and self.document.loading:
            return
        self.progress.setVisible(checking)
        self.cancel_button.setVisible(checking)
        if not checking:
            self._update_counts()
            analysis = self.document.analysis if self.document else None
            if analysis is not None and analysis.checked_count < len(analysis.summaries):
                self.status_label.setText(
                    "Checking was stopped. Edited examples are still checked as you go."
                )

    @Slot()
    def cancel_background(self) -> None:
        document = self.document
        if document is None:
            return
        if document.loading:
            document.cancel_loading()
        else:
            document.analysis.cancel()
