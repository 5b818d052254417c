"""The job view's loss chart marks the step from which the model starts to memorise."""

from __future__ import annotations

import math

from desktop_app.core.providers.base import Metrics
from desktop_app.ui.training.charts import MetricsCharts


def metrics(turn: float | None, steps: int = 60) -> list[Metrics]:
    found = []
    for step in range(1, steps + 1):
        progress = step / steps
        train = 0.3 + 2.0 * math.exp(-4 * progress)
        valid = train * 1.08 + 0.05 + (1.5 * (progress - turn) if turn and progress > turn else 0)
        shown = valid if step % 3 == 0 else None
        found.append(Metrics(step, steps, train, 0.5, shown, 0.5 if shown else None))
    return found


def test_the_memorising_step_is_marked_and_explained(qtbot) -> None:
    charts = MetricsCharts()
    qtbot.addWidget(charts)
    charts.show()
    items = metrics(0.5)
    charts.add_metrics(items[:20])  # before the turn: nothing to mark
    assert charts.memorising_at is None and charts.memorising_note.isHidden()
    charts.add_metrics(items[20:])
    assert charts.memorising_at is not None and 27 <= charts.memorising_at <= 33
    assert charts.memorising_marker.count() == 2
    assert charts.memorising_marker.at(0).x() == charts.memorising_at
    assert not charts.memorising_note.isHidden()
    assert "starting to memorise; fewer epochs would do" in charts.memorising_note.text()
    charts.clear()
    assert charts.memorising_at is None and charts.memorising_note.isHidden()


def test_a_healthy_run_is_not_marked(qtbot) -> None:
    charts = MetricsCharts()
    qtbot.addWidget(charts)
    charts.add_metrics(metrics(None))
    assert charts.memorising_at is None and charts.memorising_marker.count() == 0


def test_the_step_axis_is_labelled_with_whole_round_steps(qtbot) -> None:
    charts = MetricsCharts()
    qtbot.addWidget(charts)

    def ticks() -> list[float]:
        axis = charts.loss.x_axis
        count = axis.tickCount()
        return [axis.min() + (axis.max() - axis.min()) * i / (count - 1) for i in range(count)]

    assert ticks() == [0, 2, 4, 6, 8, 10]  # before the first step (was 0, 2.5, 5, 7.5, 10)
    for total in (1, 2, 3, 4, 7, 12, 852):
        charts.clear()
        charts.add_metrics([Metrics(1, total, 2.0, 0.5, None, None)])
        assert all(t == int(t) for t in ticks()) and ticks()[-1] >= total, (total, ticks())
