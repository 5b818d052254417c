"""A comparison's window: the run (progress, stop, ask again), the results table filling in as
replies arrive, blind rating, the summary, saving and CSV export.

The comparison is saved on its own (beside the dataset, or in the app's data folder) after a run
and after each rating, on the writer thread from a snapshot taken here.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.trying.comparison import A, B, Comparison, Result, write_comparison
from desktop_app.core.trying.comparison_run import RunReport, run_comparison
from desktop_app.core.trying.endpoints import ProviderPool
from desktop_app.qt.tasks import CancelToken, Worker
from desktop_app.ui.errors import show_error
from desktop_app.ui.icons import icon
from desktop_app.ui.places import documents_folder
from desktop_app.ui.playground.blind_rating import BlindRatingPanel
from desktop_app.ui.playground.compare_model import Column, CompareTableModel
from desktop_app.ui.playground.services import TryServices
from desktop_app.ui.screen_fit import fit_size
from desktop_app.ui.theme import severity_color

log = logging.getLogger(__name__)

SAVE_DELAY_MS = 400
TABLE, RATING, SUMMARY = 0, 1, 2


class SummaryPanel(QWidget):
    """The result of blind rating, with the models' names revealed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compare-summary")
        self.headline = QLabel(self)
        self.headline.setObjectName("summary-headline")
        self.headline.setWordWrap(True)
        font = self.headline.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.headline.setFont(font)
        self.details = QLabel(self)
        self.details.setObjectName("summary-details")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.to_table = QPushButton("See every reply in the table", self)
        self.rate_more = QPushButton("Change ratings", self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.to_table)
        buttons.addWidget(self.rate_more)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.headline)
        layout.addWidget(self.details)
        layout.addLayout(buttons)
        layout.addStretch(2)

    def show_summary(self, comparison: Comparison) -> None:
        summary = comparison.summary()
        a, b = comparison.a.display_name, comparison.b.display_name
        self.headline.setText(summary.sentence("Model A", "Model B"))
        ratable = sum(1 for row in comparison.rows if row.ratable)
        lines = [
            f"<b>A</b> — {_html(a)}: better on {summary.a_wins} ({_percent(summary.win_rate(A))})",
            f"<b>B</b> — {_html(b)}: better on {summary.b_wins} ({_percent(summary.win_rate(B))})",
            f"About the same: {summary.ties}",
            f"Rated: {summary.rated} of {summary.prompts} prompts",
        ]
        if ratable < summary.prompts:
            lines.append(
                f"{summary.prompts - ratable} cannot be rated: a reply is missing or failed."
            )
        if summary.rated < ratable:
            lines.append(f"{ratable - summary.rated} still to rate (“Rate blind” goes on).")
        self.details.setText("<br>".join(lines))


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


class CompareWindow(QWidget):
    """One comparison: run it, watch the table fill, rate blind, read the summary."""

    def __init__(
        self, services: TryServices, comparison: Comparison, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.services = services
        self.comparison = comparison
        self.setObjectName("compare-window")
        self.setWindowIcon(icon("compare"))
        self.setWindowTitle("Compare two models — Finetune Studio")
        fit_size(self, 1280, 820)
        self._worker: Worker | None = None
        self._stop: Any = None
        self._back: list[int] = []
        self._reviewing = False  # going through every prompt again to change ratings
        self._last_error = ""
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save)
        self.model = CompareTableModel(comparison, icon("severity-error"), self)
        self._build()
        self._update_progress()
        self._update_buttons()
        QShortcut(QKeySequence.StandardKey.Close, self, self.close)  # Ctrl+W and Ctrl+F4

    # ---- building --------------------------------------------------------------------------
    def _build(self) -> None:
        c = self.comparison
        sides = " &nbsp;&nbsp;·&nbsp;&nbsp; ".join(
            f"<b>{name}</b>: {_html(e.display_name)} "
            f"<span style='color:gray'>— {_html(e.where)}</span>"
            for name, e in (("A", c.a), ("B", c.b))
        )
        source = (
            f"<br><span style='color:gray'>Prompts: {_html(c.source)}</span>" if c.source else ""
        )
        self.header = QLabel(sides + source, self)
        self.header.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("compare-progress")
        self.progress.setTextVisible(False)
        self.progress_label = QLabel(self)
        self.stop_button = QPushButton("Stop", self)
        self.stop_button.setObjectName("compare-stop")
        self.stop_button.setToolTip("Stop asking; the replies that arrived are kept")
        self.stop_button.clicked.connect(self.stop)
        self.again_button = QPushButton("Ask again", self)
        self.again_button.setObjectName("compare-again")
        self.again_button.setToolTip("Ask for the replies that are missing or failed")
        self.again_button.clicked.connect(self.start)
        run_row = QHBoxLayout()
        run_row.addWidget(self.progress, 1)
        run_row.addWidget(self.progress_label)
        run_row.addWidget(self.stop_button)
        run_row.addWidget(self.again_button)
        self.problem = QLabel(self)
        self.problem.setObjectName("compare-problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {severity_color('error').name()};")
        self.problem.hide()

        self.table = QTableView(self)
        self.table.setObjectName("compare-table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().lineSpacing() * 4 + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        widths = {Column.NUMBER: 40, Column.PROMPT: 260, Column.REFERENCE: 260, Column.RATING: 110}
        for column, width in widths.items():
            self.table.setColumnWidth(column, width)
        for column in (Column.REPLY_A, Column.REPLY_B):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.rating = BlindRatingPanel(self)
        self.rating.rated.connect(self.rate)
        self.rating.back_requested.connect(self.go_back)
        self.summary_panel = SummaryPanel(self)
        self.summary_panel.to_table.clicked.connect(self.show_table)
        self.summary_panel.rate_more.clicked.connect(self.rate_from_start)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.table)
        self.pages.addWidget(self.rating)
        self.pages.addWidget(self.summary_panel)

        self.table_button = QPushButton("Results table", self)
        self.table_button.clicked.connect(self.show_table)
        self.rate_button = QPushButton(icon("review-approved"), "Rate blind", self)
        self.rate_button.setObjectName("rate-blind")
        self.rate_button.setToolTip("See the two replies in random order, without names, and pick")
        self.rate_button.clicked.connect(self.start_rating)
        self.summary_button = QPushButton("Summary", self)
        self.summary_button.clicked.connect(self.show_summary)
        self.export_button = QPushButton(icon("export"), "Export CSV…", self)
        self.export_button.clicked.connect(self.export_csv)
        self.saved_label = QLabel(self)
        self.saved_label.setObjectName("compare-saved")
        self.saved_label.setEnabled(False)
        bottom = QHBoxLayout()
        for button in (self.table_button, self.rate_button, self.summary_button):
            bottom.addWidget(button)
        bottom.addStretch(1)
        bottom.addWidget(self.saved_label)
        bottom.addWidget(self.export_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addLayout(run_row)
        layout.addWidget(self.problem)
        layout.addWidget(self.pages, 1)
        layout.addLayout(bottom)

    # ---- running ---------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._worker is not None

    @Slot()
    def start(self) -> None:
        """Ask for every reply still missing (or failed)."""
        todo = self.comparison.pending()
        if self.running or not todo:
            return
        self._last_error = ""
        self.problem.hide()
        self._stop = self.services.stop_flag()
        self.model.set_running(True)
        self._worker = self.services.run(
            run_job,
            self.services.providers,
            self.comparison,
            todo,
            stop=self._stop,
            progress=self._on_result,
            succeeded=self._on_run_done,
            failed=self._on_run_failed,
            finished=self._on_run_finished,
        )
        self._update_buttons()

    @Slot()
    def stop(self) -> None:
        if self._stop is not None:
            self._stop.set()
        if self._worker is not None:
            self._worker.cancel()

    @Slot(object)
    def _on_result(self, result: object) -> None:
        if not isinstance(result, Result):
            return
        self.comparison.apply(result)
        self.model.row_changed(result.row)
        if not result.reply.ok and not self._last_error:
            name = "A" if result.side == A else "B"
            self._last_error = f"Model {name}: {result.reply.error} {result.reply.next_step}"
        self._update_progress()

    @Slot(object)
    def _on_run_done(self, report: object) -> None:
        if isinstance(report, RunReport) and report.failed and self._last_error:
            self.problem.setText(
                f"{report.failed} repl{'ies' if report.failed != 1 else 'y'} failed; the others "
                f"are kept. {self._last_error} Point at a red cell for details, then “Ask again”."
            )
            self.problem.show()

    @Slot(object)
    def _on_run_failed(self, error: object) -> None:
        show_error(self, error if isinstance(error, BaseException) else Exception(str(error)))

    @Slot()
    def _on_run_finished(self) -> None:
        self._worker = None
        self._stop = None
        self.model.set_running(False)
        self._update_progress()
        self._update_buttons()
        self.save()

    def _update_progress(self) -> None:
        rows = self.comparison.rows
        total = len(rows) * 2
        arrived = sum((r.a is not None) + (r.b is not None) for r in rows)
        failed = sum(
            (r.a is not None and not r.a.ok) + (r.b is not None and not r.b.ok) for r in rows
        )
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(arrived)
        text = f"{arrived} of {total} replies"
        if failed:
            text += f" · {failed} failed"
        if self.running:
            text += " · asking…"
        self.progress_label.setText(text)

    def _update_buttons(self) -> None:
        self.stop_button.setEnabled(self.running)
        self.again_button.setEnabled(not self.running and bool(self.comparison.pending()))
        self.again_button.setText(
            "Ask again" if any(r.answered for r in self.comparison.rows) else "Start"
        )

    # ---- rating ----------------------------------------------------------------------------
    @Slot()
    def start_rating(self) -> None:
        first = self.comparison.next_unrated()
        if first is None:
            if any(r.ratable for r in self.comparison.rows):
                self.show_summary()
            else:
                self.problem.setText("Nothing to rate yet: a prompt needs both replies first.")
                self.problem.show()
            return
        self._back.clear()
        self._reviewing = False
        self.rating.show_row(self.comparison, first)
        self.pages.setCurrentIndex(RATING)

    @Slot()
    def rate_from_start(self) -> None:
        ratable = [i for i, r in enumerate(self.comparison.rows) if r.ratable]
        if ratable:
            self._back.clear()
            self._reviewing = True
            self.rating.show_row(self.comparison, ratable[0])
            self.pages.setCurrentIndex(RATING)

    @Slot(int, str)
    def rate(self, row: int, choice: str) -> None:
        if not self.comparison.rows[row].ratable:
            return
        self.comparison.rate_blind(row, choice)
        self.model.row_changed(row)
        self._save_timer.start()
        self._back.append(row)
        following = self._next_after(row)
        if following is None:
            self.show_summary()
        else:
            self.rating.show_row(self.comparison, following)

    def _next_after(self, row: int) -> int | None:
        """The next prompt to rate: the next unrated one, or (when changing earlier ratings)
        simply the next one that can be rated; None at the end."""
        if not self._reviewing:
            return self.comparison.next_unrated(row)
        later = [i for i, r in enumerate(self.comparison.rows) if r.ratable and i > row]
        return later[0] if later else None

    @Slot()
    def go_back(self) -> None:
        if self._back:
            self.rating.show_row(self.comparison, self._back.pop())

    @Slot()
    def show_summary(self) -> None:
        self.summary_panel.show_summary(self.comparison)
        self.pages.setCurrentIndex(SUMMARY)

    @Slot()
    def show_table(self) -> None:
        self.pages.setCurrentIndex(TABLE)

    # ---- saving and exporting --------------------------------------------------------------
    @Slot()
    def save(self) -> None:
        """Save in the background (a snapshot of now)."""
        self._save_timer.stop()
        target, may_move = self.comparison.save_target()
        self.services.run(
            save_job,
            self.comparison.to_json(),
            target,
            may_move,
            writer=True,
            succeeded=self._on_saved,
            failed=self._on_save_failed,
        )

    @Slot(object)
    def _on_saved(self, path: object) -> None:
        if isinstance(path, Path):
            self.comparison.path = path
            self.saved_label.setText(f"Saved to {path.name}")
            self.saved_label.setToolTip(str(path))

    @Slot(object)
    def _on_save_failed(self, error: object) -> None:
        self.saved_label.setText("Not saved")
        show_error(self, error if isinstance(error, BaseException) else Exception(str(error)))

    @Slot()
    def export_csv(self) -> None:
        start = (
            self.comparison.path.with_suffix(".csv")
            if self.comparison.path
            else documents_folder() / "comparison.csv"
        )
        name, _ = QFileDialog.getSaveFileName(
            self, "Export the comparison as CSV", str(start), "CSV files (*.csv)"
        )
        if name:
            self.export_to(Path(name))

    def export_to(self, path: Path) -> bool:
        try:
            self.comparison.export_csv(path)
        except Exception as error:  # noqa: BLE001 - every failure is shown, none is lost
            show_error(self, error)
            return False
        self.saved_label.setText(f"Exported {path.name}")
        return True

    # ---- closing ---------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        running = self.running
        self.stop()
        if running or self._save_timer.isActive():
            self.save()  # what arrived so far, and the latest ratings
        super().closeEvent(event)


def run_job(
    providers: ProviderPool,
    comparison: Comparison,
    todo: list[tuple[int, str]],
    *,
    stop: Any,
    cancel: CancelToken,
    progress: Any,
) -> RunReport:
    """Worker: run the comparison; each result goes to the GUI thread through `progress`, which
    run_comparison calls on this (Qt pool) thread, never on its request threads."""
    return run_comparison(comparison, providers.get, cancel=stop, on_result=progress, todo=todo)


def save_job(
    data: dict[str, Any], target: Path, may_move: bool, *, cancel: CancelToken, progress: Any
) -> Path:
    """Writer thread: write the comparison snapshot."""
    return write_comparison(data, target, may_move=may_move)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
