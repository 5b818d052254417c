"""A plain bar chart for the overview (QtCharts, imported on first use: not needed at startup)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QEvent, QMargins, QObject, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter
from PySide6.QtWidgets import QWidget

AXIS_ROOM = 32  # pixels beside the bars: the counts' axis and the chart's edges
LABEL_GAP = 6  # pixels between two labels under neighbouring bars


def chart_view(parent: QWidget, name: str, height: int) -> Any:
    """An empty QChartView, antialiased."""
    from PySide6.QtCharts import QChartView

    view = QChartView(parent)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setAccessibleName(name)
    view.setMinimumHeight(height)
    return view


def show_bars(
    view: Any,
    labels: Sequence[str],
    counts: Sequence[int],
    color: QColor,
    text: QColor,
    *,
    sideways: bool = False,
    short_labels: Sequence[str] = (),
) -> Any:
    """Put a new bar chart of `counts` into `view`; returns its QBarSet (for clicks).
    `sideways`: bars run left to right, their labels (“120–159”, “password”) on the left, where
    longer ones fit. `short_labels` (“128”) stand in for the labels (“128–255”) whenever the
    bars are too narrow for them (QtCharts cut them to “128–…”, or, not cut, they overlapped)."""
    from PySide6.QtCharts import (
        QBarCategoryAxis,
        QBarSeries,
        QBarSet,
        QChart,
        QHorizontalBarSeries,
        QValueAxis,
    )

    chart = QChart()
    chart.legend().hide()
    chart.setMargins(QMargins(0, 0, 0, 0))
    chart.setBackgroundVisible(False)
    bar_set = QBarSet("Examples")
    bar_set.setColor(color)
    for count in counts:
        bar_set.append(count)
    series = QHorizontalBarSeries() if sideways else QBarSeries()
    series.append(bar_set)
    series.setBarWidth(0.9)
    chart.addSeries(series)
    axis_x = QBarCategoryAxis()
    axis_x.append(list(labels))
    axis_x.setTruncateLabels(not sideways and not short_labels)  # else they have their room
    axis_y = QValueAxis()
    axis_y.setRange(0, max([*counts, 1]))
    axis_y.setLabelFormat("%d")
    axis_y.setTickCount(3)
    for axis in (axis_x, axis_y):
        axis.setLabelsColor(text)
        axis.setGridLineVisible(False)
    bottom, left = (axis_y, axis_x) if sideways else (axis_x, axis_y)
    chart.addAxis(bottom, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(left, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_x)
    series.attachAxis(axis_y)
    old = view.chart()
    view.setChart(chart)
    if old is not None:
        old.deleteLater()
    if short_labels and not sideways:
        _LabelFit(view, axis_x, list(labels), list(short_labels))
    return bar_set


class _LabelFit(QObject):
    """Gives a chart's category axis its long labels when each fits under its bar, else the
    short ones, again whenever the chart is resized."""

    def __init__(self, view: Any, axis: Any, labels: list[str], short: list[str]) -> None:
        super().__init__(axis)  # goes with the axis (each new chart makes a new one)
        self.view, self.axis, self.labels, self.short = view, axis, labels, short
        view.installEventFilter(self)
        self.fit()

    def fit(self) -> None:
        """The long labels, else the short ones, else every other short one (the rest blank:
        each a different number of spaces, as an axis's categories must differ)."""
        metrics = QFontMetrics(self.axis.labelsFont())
        room: float = (self.view.width() - AXIS_ROOM) / max(1, len(self.labels))

        def fits(labels: list[str]) -> bool:
            widest = max((metrics.horizontalAdvance(label) for label in labels), default=0)
            return widest + LABEL_GAP <= room

        sparse = [t if i % 2 == 0 else " " * (i + 1) for i, t in enumerate(self.short)]
        wanted = self.labels if fits(self.labels) else self.short if fits(self.short) else sparse
        if self.axis.categories() != wanted:
            self.axis.setCategories(wanted)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view and event.type() == QEvent.Type.Resize:
            self.fit()
        return False
