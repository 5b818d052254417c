"""A plain bar chart for the overview (QtCharts, imported on first use: not needed at startup)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QWidget


def chart_view(parent: QWidget, name: str, height: int) -> Any:
    """An empty QChartView, antialiased."""
    from PySide6.QtCharts import QChartView

    view = QChartView(parent)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setAccessibleName(name)
    view.setMinimumHeight(height)
    return view


def show_bars(
    view: Any, labels: Sequence[str], counts: Sequence[int], color: QColor, text: QColor
) -> Any:
    """Put a new bar chart of `counts` into `view`; returns its QBarSet (for clicks)."""
    from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QValueAxis

    chart = QChart()
    chart.legend().hide()
    chart.setMargins(QMargins(0, 0, 0, 0))
    chart.setBackgroundVisible(False)
    bar_set = QBarSet("Examples")
    bar_set.setColor(color)
    for count in counts:
        bar_set.append(count)
    series = QBarSeries()
    series.append(bar_set)
    series.setBarWidth(0.9)
    chart.addSeries(series)
    axis_x = QBarCategoryAxis()
    axis_x.append(list(labels))
    axis_y = QValueAxis()
    axis_y.setRange(0, max([*counts, 1]))
    axis_y.setLabelFormat("%d")
    axis_y.setTickCount(3)
    for axis in (axis_x, axis_y):
        axis.setLabelsColor(text)
        axis.setGridLineVisible(False)
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_x)
    series.attachAxis(axis_y)
    old = view.chart()
    view.setChart(chart)
    if old is not None:
        old.deleteLater()
    return bar_set
