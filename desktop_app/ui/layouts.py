"""Nesting box layouts so that PySide keeps no wrapper for the items inside them.

`outer.addLayout(inner)` with `inner` already filled makes PySide 6 create a Python wrapper for
each item in `inner`, owned by `outer`. Qt deletes an item when its widget leaves the layout; the
wrapper stays registered at that address, and a widget made there later reaches Python as a
`QWidgetItem` ("'QWidgetItem' object has no attribute …"). A layout nested while empty and filled
afterwards gets no item wrappers: `nested` is that order, in one place.

`same_label_width` lines up the fields of several forms shown one under another.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QBoxLayout, QFormLayout, QHBoxLayout, QVBoxLayout, QWidget


def nested(outer: QBoxLayout, *, vertical: bool = False, stretch: int = 0) -> QBoxLayout:
    """A new, empty row (or column) added at the end of `outer`; fill it after this call."""
    inner: QBoxLayout = QVBoxLayout() if vertical else QHBoxLayout()
    outer.addLayout(inner, stretch)
    return inner


def same_label_width(forms: Iterable[QFormLayout]) -> None:
    """Give every label of these forms the widest one's width, so their fields start in one
    column (the keys dialog's providers each started theirs at their own label's end)."""
    labels: list[QWidget] = []
    for form in forms:
        for row in range(form.rowCount()):
            item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            widget = item.widget() if item is not None else None
            if widget is not None:
                labels.append(widget)
    widest = max((label.sizeHint().width() for label in labels), default=0)
    for label in labels:
        label.setMinimumWidth(widest)
