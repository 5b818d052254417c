"""The wheel scrolls a page past its choice boxes (desktop_app/ui/wheel_guard.py), as the start
dialog, the keys dialog, the overview and the editor use it."""

from __future__ import annotations

from window_helpers import turn_wheel

from PySide6.QtWidgets import QComboBox, QScrollArea, QSpinBox, QVBoxLayout, QWidget

from desktop_app.ui.wheel_guard import scroll_past_boxes_in


def test_boxes_on_a_scrolled_page_pass_the_wheel_to_the_page(qtbot) -> None:
    page = QWidget()
    column = QVBoxLayout(page)
    combo, spin = QComboBox(), QSpinBox()
    combo.addItems(["Practice", "Together AI", "Fireworks AI"])
    spin.setRange(0, 10)
    column.addWidget(combo)
    column.addWidget(spin)
    column.addSpacing(2000)  # taller than the area: there is something to scroll
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(page)
    scroll_past_boxes_in(area)
    qtbot.addWidget(area)
    area.resize(300, 200)
    area.show()
    qtbot.waitExposed(area)
    bar = area.verticalScrollBar()
    for box in (combo, spin):
        bar.setValue(0)
        turn_wheel(box, notches=-1)
        assert bar.value() > 0
        assert not box.hasFocus()
    assert combo.currentIndex() == 0 and spin.value() == 0
    area.activateWindow()
    spin.setFocus()  # chosen: now the wheel is the box's
    qtbot.waitUntil(spin.hasFocus, timeout=2_000)
    bar.setValue(0)
    turn_wheel(spin, notches=1)
    assert spin.value() == 1 and bar.value() == 0
