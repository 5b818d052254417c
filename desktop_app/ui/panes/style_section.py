"""The overview's Style section: how the replies speak, as charts whose bars filter the examples.

One chart at a time (chosen in a list): reply length, sentence length, reading ease, exclamation
marks, emoji, words in capitals, what users ask about (groups of similar requests), and tags. A
click on a bar shows only those examples (`rows_chosen`). Above the chart: the share of replies
that state facts the conversation doesn't contain, and the word list button. The numbers come
from the Qt-free core (desktop_app.core.checks.voice.report.voice_overview).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.checks.voice.balance import tag_groups
from desktop_app.core.checks.voice.report import Bar, Chart, VoiceOverview, voice_overview, voiced
from desktop_app.ui.layouts import nested
from desktop_app.ui.panes.bar_chart import chart_view, show_bars

TOPIC_BARS = 10


def overview_lines(section: StyleSection) -> Sequence[tuple[int, Any]]:
    """(line, features) of the replies the section's analysis measured."""
    analysis = section.analysis
    return voiced(analysis.summaries) if analysis is not None else []


TAG_BARS = 10


class StyleSection(QGroupBox):
    """Charts of the replies' house style; bars are clickable."""

    rows_chosen = Signal(object, str)  # source rows (list[int]), a label for the filter

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Style", parent)
        self.overview: VoiceOverview | None = None
        self.charts: list[Chart] = []
        self._chart_view: Any = None
        self.facts_label = QLabel("–", self)
        self.facts_label.setWordWrap(True)
        self.facts_label.setAccessibleName("Replies that state facts")
        self.facts_label.setTextFormat(Qt.TextFormat.RichText)
        self.facts_label.linkActivated.connect(self._on_facts_link)
        self.choice = QComboBox(self)
        self.choice.setAccessibleName("Which style chart to show")
        self.choice.setToolTip("Pick a measure of the replies; click a bar to see those examples")
        self.choice.currentIndexChanged.connect(self._draw_current)
        self.words_button = QPushButton("Word list…", self)
        self.words_button.setToolTip("Preferred words, and banned words or phrases to replace")
        self.words_button.clicked.connect(self.edit_wordlist)
        self.analysis: Any = None  # the AnalysisStore (the overview sets it)
        self.chart_layout = QVBoxLayout(self)
        self.chart_layout.setContentsMargins(6, 6, 6, 6)
        self.chart_layout.addWidget(self.facts_label)
        row = nested(self.chart_layout)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.choice, 1)
        row.addWidget(self.words_button)

    # ---- data ----------------------------------------------------------------------------
    def refresh(self, summaries: Any, problems: Any = None, review: Any = None) -> None:
        """Show the numbers the analysis computed with the whole-file findings (on its worker;
        until they arrive, a note). Without an analysis store, compute them here."""
        ready = getattr(self.analysis, "voice_overview", None)
        if ready is None and self.analysis is not None:
            self.facts_label.setText("Measuring the replies…")
            return
        self.overview = overview = ready or voice_overview(summaries, problems)
        charts = list(overview.charts)
        topics = [g for g in overview.topics if g.size][:TOPIC_BARS]
        if topics:
            bars = tuple(Bar(g.label, g.lines) for g in topics)
            charts.append(Chart("What users ask about (groups of similar requests)", bars))
        if review is not None and len(review):
            tags = tag_groups([e.tags for e in review.entries(range(len(review)))], TAG_BARS)
            charts.append(Chart("Tags", tuple(Bar(g.label, g.lines) for g in tags)))
        self.charts = [c for c in charts if c.bars]
        self._show_facts(overview)
        current = self.choice.currentText()
        self.choice.blockSignals(True)
        self.choice.clear()
        self.choice.addItems([c.title for c in self.charts])
        found = self.choice.findText(current)
        self.choice.setCurrentIndex(max(0, found))
        self.choice.blockSignals(False)
        self._draw_current()

    def _show_facts(self, overview: VoiceOverview) -> None:
        if not overview.replies:
            self.facts_label.setText("No replies to measure yet.")
            return
        count = len(overview.fact_lines)
        text = (
            f"{overview.fact_share:.0%} of the replies ({count:,} of {overview.replies:,}) state "
            "facts the conversation doesn't contain."
        )
        if count:
            text += ' <a href="facts">Show them</a>'
        preferred = overview.preferred_lines
        if preferred is not None:
            share = len(preferred) / overview.replies
            text += f"<br>{share:.0%} use a preferred word from the word list."
            if len(preferred) < overview.replies:
                text += ' <a href="unpreferred">Show the others</a>'
        self.facts_label.setText(text)

    @Slot(str)
    def _on_facts_link(self, link: str) -> None:
        overview = self.overview
        if overview is None:
            return
        if link == "unpreferred":
            using = set(overview.preferred_lines or ())
            rows = [line - 1 for line, _ in overview_lines(self) if line not in using]
            self.rows_chosen.emit(rows, "replies without a preferred word")
            return
        rows = [line - 1 for line in overview.fact_lines]
        self.rows_chosen.emit(rows, "replies that state facts")

    @Slot()
    def edit_wordlist(self) -> None:
        """The word list dialog; a saved list is checked at once."""
        from desktop_app.ui.dialogs.wordlist_dialog import WordListDialog

        analysis = self.analysis
        if analysis is None:
            return
        dialog = WordListDialog(analysis.wordlist(), analysis.dataset.path, self)
        if dialog.exec():
            analysis.set_words(dialog.words)

    # ---- drawing -------------------------------------------------------------------------
    @Slot()
    def _draw_current(self) -> None:
        index = self.choice.currentIndex()
        if 0 <= index < len(self.charts):
            self._draw(self.charts[index])

    def choose_bar(self, index: int) -> None:
        """What a click on bar `index` of the shown chart does."""
        chart = self.charts[self.choice.currentIndex()]
        bar = chart.bars[index]
        title = chart.title.split(" (")[0]
        self.rows_chosen.emit([line - 1 for line in bar.lines], f"{title} {bar.label}")

    def _draw(self, shown: Chart) -> None:
        from desktop_app.ui import theme

        if self._chart_view is None:
            self._chart_view = chart_view(self, "Chart of the replies' style", 100)
            self._chart_view.setToolTip("Click a bar to show only those examples")
            self.chart_layout.addWidget(self._chart_view, 1)
        labels = [bar.label for bar in shown.bars]
        counts = [len(bar.lines) for bar in shown.bars]
        color = theme.role_colors("assistant").accent
        text = self.palette().color(self.foregroundRole())
        bar_set = show_bars(self._chart_view, labels, counts, color, text, sideways=True)
        bar_set.clicked.connect(self.choose_bar)
