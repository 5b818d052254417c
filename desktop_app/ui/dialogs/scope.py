"""Which examples a bulk action works on: the selected ones or the whole dataset."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QRadioButton, QWidget

from desktop_app.core.dataset.jsonline import RecordKind
from desktop_app.core.dataset.records import Dataset

EXAMPLE_KINDS = (RecordKind.CHAT, RecordKind.PREFERENCE)


class ScopeChooser(QWidget):
    """Two radio buttons: "the N selected examples" / "all examples"."""

    changed = Signal()

    def __init__(self, dataset: Dataset, selected: Sequence[int], parent: QWidget | None = None):
        super().__init__(parent)
        self.dataset = dataset
        self.selected = sorted(set(selected))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        count = len(self.selected)
        self.selection = QRadioButton(f"The {count} selected example{'s' if count != 1 else ''}")
        self.selection.setToolTip("Change only the examples selected in the list")
        self.everything = QRadioButton(f"All {len(dataset)} examples")
        self.everything.setToolTip("Change every example in the file")
        group = QButtonGroup(self)
        for button in (self.selection, self.everything):
            group.addButton(button)
            layout.addWidget(button)
            button.toggled.connect(self.changed)
        layout.addStretch(1)
        self.selection.setEnabled(count > 0)
        (self.selection if count > 1 else self.everything).setChecked(True)

    def indexes(self) -> Sequence[int]:
        return self.selected if self.selection.isChecked() else range(len(self.dataset))

    def values(self) -> Iterator[tuple[int, Any]]:
        """(index, example) for each example in scope; blank and broken lines are left alone."""
        for index in self.indexes():
            parsed = self.dataset[index].parse()
            if parsed.kind in EXAMPLE_KINDS:
                yield index, parsed.value
