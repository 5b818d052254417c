"""Replacing every record of a dataset at once (a repair, or bringing in another shape) as one undo step."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from desktop_app.core.dataset.records import Dataset, Record


class ReplaceAllCommand(QUndoCommand):
    """Redo puts `records` in place of the dataset's; undo puts the exact old records back.

    `after(done)` is called after each redo (True) and undo (False), for what goes with it
    (the window's file name, for example)."""

    def __init__(
        self,
        dataset: Dataset,
        records: list[Record],
        text: str,
        after: Callable[[bool], None] | None = None,
    ) -> None:
        super().__init__(text)
        self.dataset = dataset
        self.old: list[Record] = list(dataset)
        kept = {id(r) for r in self.old}  # lines the repair left alone are the same objects
        self.records = [Record(r.raw, r.ending, r.edited or id(r) not in kept) for r in records]
        self.after = after

    def redo(self) -> None:
        self.old = self.dataset.replace_all(list(self.records))
        if self.after is not None:
            self.after(True)

    def undo(self) -> None:
        self.dataset.replace_all(list(self.old))
        if self.after is not None:
            self.after(False)
