"""Live training charts (QtCharts): loss and token accuracy by step, training and validation.

Points come from the job's metrics events as they arrive (or, for a provider that sends none,
from the results file). QtCharts is imported here only, when a job view first opens.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCharts import QChart, QChartView, QLineSeries, QScatterSeries, QValueAxis
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop_app.core.providers.base import Metrics
from desktop_app.core.training.memorising import MESSAGE, memorising_step
from desktop_app.ui import theme

TRAIN_COLOR = "#2f6fdb"
VALID_COLOR = "#e07b00"
FULL_VALID_COLOR = "#7e57c2"
MEMORISING_COLOR = "#c62828"


def _series(name: str, color: str, width: float = 2.0) -> QLineSeries:
    series = QLineSeries()
    series.setName(name)
    pen = QPen(QColor(color))
    pen.setWidthF(width)
    series.setPen(pen)
    return series


def _points(name: str, color: str) -> QScatterSeries:
    series = QScatterSeries()
    series.setName(name)
    series.setColor(QColor(color))
    series.setBorderColor(QColor(color))
    series.setMarkerSize(9.0)
    return series


class _Chart(QChartView):
    """One chart: step on x, a metric on y; the axes grow with the data."""

    def __init__(self, title: str, y_title: str, percent: bool, parent: QWidget | None) -> None:
        chart = QChart()
        chart.setTheme(
            QChart.ChartTheme.ChartThemeDark
            if theme.is_dark()
            else QChart.ChartTheme.ChartThemeLight
        )
        chart.setTitle(title)
        chart.setBackgroundRoundness(0)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        super().__init__(chart, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(220)
        self.percent = percent
        self.x_axis = QValueAxis()
        self.x_axis.setTitleText("Training step")
        self.x_axis.setLabelFormat("%d")
        self._fit_steps(10.0)
        self.y_axis = QValueAxis()
        self.y_axis.setTitleText(y_title)
        self.y_axis.setLabelFormat("%.0f%%" if percent else "%.2f")
        self.y_axis.setRange(0, 100 if percent else 1)
        chart.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)
        self.series: list[QLineSeries | QScatterSeries] = []
        self._max_x = 0.0
        self._max_y = 0.0

    def add_series(self, series: QLineSeries | QScatterSeries) -> None:
        """Register a series; it joins the chart (and its legend) with its first point."""
        self.series.append(series)

    def add(self, series: QLineSeries | QScatterSeries, step: float, value: float | None) -> None:
        if value is None:
            return
        if series.chart() is None:
            self.chart().addSeries(series)
            series.attachAxis(self.x_axis)
            series.attachAxis(self.y_axis)
        y = value * 100 if self.percent else value
        series.append(step, y)
        self._max_x = max(self._max_x, step)
        self._max_y = max(self._max_y, y)

    def fit(self, total_steps: int | None) -> None:
        self._fit_steps(max(1.0, float(total_steps or 0), self._max_x))
        if not self.percent:
            self.y_axis.setRange(0, max(0.5, self._max_y * 1.05))
            self.y_axis.applyNiceNumbers()

    def _fit_steps(self, last: float) -> None:
        """Steps on round whole numbers: Qt's 5 ticks over 0–10 read “0, 2, 5, 7, 10” as whole
        numbers, and a short job's nice ticks 0.2 apart read “0, 0, 0, 0, 0, 1”."""
        self.x_axis.setRange(0, last)
        self.x_axis.applyNiceNumbers()
        top = self.x_axis.max()
        if top < 5:
            self.x_axis.setTickCount(int(top) + 1)

    def clear(self) -> None:
        for series in self.series:
            series.clear()
        self._max_x = self._max_y = 0.0


class MetricsCharts(QWidget):
    """Loss and token-accuracy charts side by side."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("metrics-charts")
        self.loss = _Chart("Loss (lower is better)", "Loss", False, self)
        self.loss.setObjectName("loss-chart")
        self.accuracy = _Chart("Token accuracy (higher is better)", "Accuracy", True, self)
        self.accuracy.setObjectName("accuracy-chart")
        self.train_loss = _series("Training", TRAIN_COLOR)
        self.valid_loss = _series("Validation", VALID_COLOR)
        self.full_valid_loss = _points("Validation, whole file", FULL_VALID_COLOR)
        self.train_accuracy = _series("Training", TRAIN_COLOR)
        self.valid_accuracy = _series("Validation", VALID_COLOR)
        self.full_valid_accuracy = _points("Validation, whole file", FULL_VALID_COLOR)
        for series in (self.train_loss, self.valid_loss, self.full_valid_loss):
            self.loss.add_series(series)
        for series in (self.train_accuracy, self.valid_accuracy, self.full_valid_accuracy):
            self.accuracy.add_series(series)
        self.total_steps: int | None = None
        self.points = 0
        # overtraining: a line where validation loss starts to rise while training loss falls
        self.memorising_marker = _series("Memorising from here", MEMORISING_COLOR, 1.5)
        self.memorising_marker.setPen(QPen(QColor(MEMORISING_COLOR), 1.5, Qt.PenStyle.DashLine))
        self.memorising_at: int | None = None
        self.memorising_note = QLabel(self)
        self.memorising_note.setObjectName("memorising-note")
        self.memorising_note.setWordWrap(True)
        self.memorising_note.hide()
        self._history: list[tuple[int, float | None, float | None]] = []
        charts = QHBoxLayout()
        charts.setContentsMargins(0, 0, 0, 0)
        charts.addWidget(self.loss, 1)
        charts.addWidget(self.accuracy, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(charts, 1)
        layout.addWidget(self.memorising_note)

    def add_metrics(self, items: Iterable[Metrics]) -> int:
        """Plot metrics (in step order); returns how many steps were added."""
        added = 0
        for metrics in items:
            if metrics.step is None:
                continue
            step = float(metrics.step)
            self.loss.add(self.train_loss, step, metrics.train_loss)
            self.loss.add(self.valid_loss, step, metrics.valid_loss)
            self.loss.add(self.full_valid_loss, step, metrics.full_valid_loss)
            self.accuracy.add(self.train_accuracy, step, metrics.train_accuracy)
            self.accuracy.add(self.valid_accuracy, step, metrics.valid_accuracy)
            self.accuracy.add(self.full_valid_accuracy, step, metrics.full_valid_accuracy)
            if metrics.total_steps:
                self.total_steps = metrics.total_steps
            self._history.append((metrics.step, metrics.train_loss, metrics.valid_loss))
            added += 1
        if added:
            self.points += added
            self.loss.fit(self.total_steps)
            self.accuracy.fit(self.total_steps)
            self._mark_memorising()
        return added

    def _mark_memorising(self) -> None:
        """Mark the step from which the model is memorising (desktop_app.core.training.memorising)."""
        step = memorising_step(self._history)
        if step == self.memorising_at:
            return
        self.memorising_at = step
        self.memorising_marker.clear()
        if step is None:
            self.memorising_note.hide()
            return
        if self.memorising_marker.chart() is None:
            self.loss.chart().addSeries(self.memorising_marker)
            self.memorising_marker.attachAxis(self.loss.x_axis)
            self.memorising_marker.attachAxis(self.loss.y_axis)
        self.memorising_marker.append(step, 0.0)
        self.memorising_marker.append(step, self.loss.y_axis.max())
        self.memorising_note.setText(MESSAGE.format(step=f"{step:,}"))
        self.memorising_note.show()

    def clear(self) -> None:
        self.loss.clear()
        self.accuracy.clear()
        self._history.clear()
        self.memorising_at = None
        self.memorising_marker.clear()
        self.memorising_note.hide()
        self.points = 0
        self.total_steps = None
