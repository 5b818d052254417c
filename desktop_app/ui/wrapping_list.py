"""A list whose long entries wrap to its width instead of running off its side.

A findings list at 1024 pixels (the start dialog's warnings) hid the end of each sentence behind
a sideways scroll bar. Wrapped entries are measured and drawn at the list's width: with the
sideways bar left on, Qt measured them wrapped but drew them unwrapped (a blank line under
some). Entries are laid out in batches, so a list of thousands keeps the window answering.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListView


def wrap_entries(view: QListView) -> QListView:
    """Make `view` wrap its entries to its width (re-wrapped when it is resized)."""
    view.setWordWrap(True)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setResizeMode(QListView.ResizeMode.Adjust)
    view.setLayoutMode(QListView.LayoutMode.Batched)
    return view
