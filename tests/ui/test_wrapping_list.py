"""Long entries wrap to the list's width (desktop_app/ui/wrapping_list.py), as the start dialog's
findings and the repair preview's changes use it."""

from __future__ import annotations

from PySide6.QtWidgets import QListWidget

from desktop_app.ui.wrapping_list import wrap_entries

LONG = (
    "Example 6: This reply states a price, a date and an opening time that the conversation "
    "never gave, so the model would learn to invent them; check them or remove them."
)


def _shown_list(qtbot, wrapped: bool) -> QListWidget:
    found = QListWidget()
    if wrapped:
        wrap_entries(found)
    found.addItems(["Example 1: short.", LONG, LONG + " " + LONG])
    qtbot.addWidget(found)
    found.resize(320, 400)
    found.show()
    qtbot.waitExposed(found)
    return found


def _fits(found: QListWidget) -> bool:
    width = found.viewport().width()
    rects = [found.visualItemRect(found.item(i)) for i in range(found.count())]
    return all(r.isValid() and r.left() >= 0 and r.right() < width for r in rects)


def test_long_entries_wrap_inside_the_list(qtbot) -> None:
    found = _shown_list(qtbot, wrapped=True)
    qtbot.waitUntil(lambda: _fits(found), timeout=2_000)  # laid out in batches
    assert not found.horizontalScrollBar().isVisible()
    heights = [found.visualItemRect(found.item(i)).height() for i in range(3)]
    assert heights[0] < heights[1] < heights[2]  # each as tall as its lines
    found.resize(640, 400)  # wider: wrapped again, so fewer lines
    qtbot.waitUntil(
        lambda: found.visualItemRect(found.item(1)).height() < heights[1], timeout=2_000
    )
    assert _fits(found)


def test_without_it_an_entry_runs_off_the_side(qtbot) -> None:
    found = _shown_list(qtbot, wrapped=False)  # the start dialog's warnings before
    qtbot.waitUntil(lambda: found.visualItemRect(found.item(2)).isValid(), timeout=2_000)
    assert not _fits(found)
