"""ElidingLabel: ends in … where it is narrow, keeps the whole text for tooltips and readers."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from desktop_app.ui.eliding_label import ElidingLabel

NAME = "get_current_weather_for_a_city_and_its_surroundings"


def painted(label: ElidingLabel) -> str:
    """What the label shows (QLabel's own text), not the whole text its `text()` returns."""
    return QLabel.text(label)


def shown(qtbot, label: ElidingLabel, text: str, width: int) -> str:
    """Show `text` in `label`, `width` pixels wide; what it paints."""
    qtbot.addWidget(label)
    label.setText(text)
    label.resize(width, 20)
    label.show()
    qtbot.waitExposed(label)
    return painted(label)


def test_a_narrow_label_ends_in_an_ellipsis_and_keeps_the_whole_text(qtbot) -> None:
    label = ElidingLabel(least=24, tip="The function whose result this is:")
    shown_text = shown(qtbot, label, NAME, 80)
    assert shown_text.endswith("…") and NAME.startswith(shown_text[:-1])
    assert label.text() == NAME
    assert label.toolTip() == f"The function whose result this is:\n{NAME}"
    assert label.minimumSizeHint().width() == 24  # never widens its row beyond this
    assert label.sizeHint().width() >= label.fontMetrics().horizontalAdvance(NAME)
    label.resize(label.sizeHint().width(), 20)
    qtbot.waitUntil(lambda: painted(label) == NAME, timeout=2_000)
    label.setText("")
    assert label.toolTip() == ""  # no name, no tooltip


def test_the_middle_mode_keeps_an_address_end_in_view(qtbot) -> None:
    address = "https://example.com/a/very/long/path/to/the/chart/val/0.png"
    label = ElidingLabel(least=60, mode=Qt.TextElideMode.ElideMiddle)
    text = shown(qtbot, label, address, 140)
    assert "…" in text and text.endswith("0.png") and text.startswith("http")
