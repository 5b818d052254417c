"""Nesting box layouts so that PySide keeps no wrapper for the items inside them.

`outer.addLayout(inner)` with `inner` already filled makes PySide 6 create a Python wrapper for
each item in `inner`, owned by `outer`. Qt deletes an item when its widget leaves the layout; the
wrapper stays registered at that address, and a widget made there later reaches Python as a
`QWidgetItem` ("'QWidgetItem' object has no attribute …"). A layout nested while empty and filled
afterwards gets no item wrappers: `nested` is that order, in one place.
"""

from __future__ import annotations

from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QVBoxLayout


def nested(outer: QBoxLayout, *, vertical: bool = False, stretch: int = 0) -> QBoxLayout:
    """A new, empty row (or column) added at the end of `outer`; fill it after this call."""
    inner: QBoxLayout = QVBoxLayout() if vertical else QHBoxLayout()
    outer.addLayout(inner, stretch)
    return inner
