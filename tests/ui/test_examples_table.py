"""The examples table repaints for changes on screen, not for rows far below."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject

from desktop_app.core.dataset.records import Dataset
from desktop_app.core.dataset.review import ReviewStore
from desktop_app.qt.analysis_store import AnalysisStore
from desktop_app.qt.examples_model import ExamplesModel
from desktop_app.qt.examples_proxy import ExamplesProxy
from desktop_app.qt.tasks import TaskRunner
from desktop_app.ui.panes.examples_table import ExamplesTable


class PaintCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def _deliver_pending_paints() -> None:
    """Hand out every update Qt has queued (a widget's update() posts one; offscreen, it paints
    when the event is delivered), so what was asked for has been painted, and nothing else."""
    QCoreApplication.sendPostedEvents()
    QCoreApplication.processEvents()


def _painted_after(qtbot, table: ExamplesTable, change) -> int:  # type: ignore[no-untyped-def]
    counter = PaintCounter()
    _deliver_pending_paints()  # earlier paints done
    table.viewport().installEventFilter(counter)
    change()
    _deliver_pending_paints()
    table.viewport().removeEventFilter(counter)
    return counter.paints


def test_only_changes_to_visible_rows_repaint(qtbot) -> None:
    """As in the app: check results (here the store's signal) reach the table through the
    examples model and its proxy."""
    dataset = Dataset.from_values(
        {"messages": [{"role": "user", "content": f"Example {n}"}]} for n in range(5000)
    )
    pools = TaskRunner()
    analysis = AnalysisStore(dataset, pools)  # not started: nothing is checked meanwhile
    model = ExamplesModel(dataset, analysis, ReviewStore(dataset))
    proxy = ExamplesProxy()
    proxy.setSourceModel(model)
    table = ExamplesTable()
    qtbot.addWidget(table)
    table.setModel(proxy)
    table.resize(400, 300)
    table.show()
    qtbot.waitExposed(table)

    def far_below() -> None:
        analysis.summaries_changed.emit(3000, 3999)

    def on_screen() -> None:
        analysis.summaries_changed.emit(0, 2000)

    assert _painted_after(qtbot, table, far_below) == 0
    assert _painted_after(qtbot, table, on_screen) >= 1
    table.scrollTo(proxy.index(3500, 0))
    assert _painted_after(qtbot, table, far_below) >= 1  # now they are on screen
    model.detach()
    analysis.detach()
    assert pools.shutdown(5000)
