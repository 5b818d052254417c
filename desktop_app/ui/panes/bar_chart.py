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
    view: Any,
    labels: Sequence[str],
    counts: Sequence[int],
    color: QColor,
    text: QColor,
    *,
    sideways: bool = False,
) -> Any:
    """Put a new bar chart of `counts` into `view`; returns its QBarSet (for clicks).
    `sideways`: bars run left to right, their labels (“120–159”, “password”) on the left, where
    longer ones fit."""
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
    axis_x.setTruncateLabels(not sideways)  # sideways labels have their room: show them whole
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
    return bar_set
