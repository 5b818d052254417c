"""The examples table repaints for changes on screen, not for rows far below."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QStandardItemModel

from desktop_app.ui.panes.examples_table import ExamplesTable


class PaintCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def _painted_after(qtbot, table: ExamplesTable, change) -> int:  # type: ignore[no-untyped-def]
    counter = PaintCounter()
    qtbot.wait(50)  # earlier paints done
    table.viewport().installEventFilter(counter)
    change()
    qtbot.wait(100)
    table.viewport().removeEventFilter(counter)
    return counter.paints


def test_only_changes_to_visible_rows_repaint(qtbot) -> None:
    model = QStandardItemModel(5000, 3)  # (a test stand-in: the app's model is the examples model)
    table = ExamplesTable()
    qtbot.addWidget(table)
    table.setModel(model)
    table.resize(400, 300)
    table.show()
    qtbot.waitExposed(table)

    def far_below() -> None:
        model.dataChanged.emit(model.index(3000, 0), model.index(3999, 2))

    def on_screen() -> None:
        model.dataChanged.emit(model.index(0, 0), model.index(2000, 2))

    assert _painted_after(qtbot, table, far_below) == 0
    assert _painted_after(qtbot, table, on_screen) >= 1
    table.scrollTo(model.index(3500, 0))
    assert _painted_after(qtbot, table, far_below) >= 1  # now they are on screen
