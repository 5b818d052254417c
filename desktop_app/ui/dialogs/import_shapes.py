"""The Import dialog's page for .json/.jsonl files of other shapes (Alpaca, ShareGPT, chosen/rejected,
prompt/reply under any names): it reads the file on a worker (progress and Cancel), says what it
recognised, and lets the writer pick another shape or other fields.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QWidget,
)

from desktop_app.core import convert
from desktop_app.core.convert import JsonSource, Mapping
from desktop_app.core.errors import UserFacingError
from desktop_app.qt.tasks import CancelToken, TaskRunner, Worker, WorkerSignals


def _read(path: Path, *, cancel: CancelToken, progress: Any) -> JsonSource:
    return convert.read_json_source(path, progress=progress, cancelled=lambda: cancel.cancelled)


class ShapePage(QWidget):
    """Emits `changed` when the file has been read or the writer changed the mapping."""

    changed = Signal()
    failed = Signal(object)  # UserFacingError

    def __init__(self, pools: TaskRunner | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pools = pools
        self.source: JsonSource | None = None
        self.path: Path | None = None
        self._worker: Worker | None = None
        self._signals: WorkerSignals | None = None
        self.form = form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.recognised = QLabel()
        self.recognised.setAccessibleName("What the file holds")
        form.addRow("Recognised:", self.recognised)
        self.shape = QComboBox()
        self.shape.setAccessibleName("Read the file as")
        for key, name in convert.SHAPE_NAMES.items():
            self.shape.addItem(name, key)
        form.addRow("Read &as:", self.shape)
        self.prompt_field = QComboBox()
        self.prompt_field.setAccessibleName("Field with the user's messages")
        self.reply_field = QComboBox()
        self.reply_field.setAccessibleName("Field with the replies")
        form.addRow("User messages from field:", self.prompt_field)
        form.addRow("Replies from field:", self.reply_field)
        progress_row = QWidget()
        row = QHBoxLayout(progress_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setAccessibleName("Reading the file")
        row.addWidget(self.progress, 1)
        self.cancel_button = QPushButton("Cancel Reading")
        self.cancel_button.clicked.connect(self.cancel)
        row.addWidget(self.cancel_button)
        form.addRow(progress_row)
        self.progress_row = progress_row
        progress_row.hide()
        for combo in (self.shape, self.prompt_field, self.reply_field):
            combo.currentIndexChanged.connect(self._mapping_changed)

    # ---- reading ---------------------------------------------------------------------------------
    def load(self, path: Path) -> None:
        """Read `path` (on a worker when the dialog has the window's pools)."""
        self.cancel()
        self.source, self.path = None, path
        if self.pools is None:
            try:
                self._on_read(convert.read_json_source(path))
            except UserFacingError as error:
                self.failed.emit(error)
            return
        signals = WorkerSignals()
        signals.progress.connect(self._on_progress)
        signals.succeeded.connect(self._on_read)
        signals.failed.connect(self._on_failed)
        signals.finished.connect(self._on_finished)
        self._signals = signals
        self.progress.setValue(0)
        self.progress_row.show()
        self._worker = self.pools.run(_read, path, owner=self, signals=signals)

    @property
    def busy(self) -> bool:
        return self._worker is not None

    @Slot()
    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
        self._worker = self._signals = None
        self.progress_row.hide()

    @Slot(object)
    def _on_progress(self, fraction: object) -> None:
        if self.sender() is self._signals and isinstance(fraction, float | int):
            self.progress.setValue(round(float(fraction) * 100))

    @Slot(object)
    def _on_failed(self, error: object) -> None:
        if self.sender() is self._signals:
            self.failed.emit(error)

    @Slot()
    def _on_finished(self) -> None:
        if self.sender() is self._signals:
            self._worker = self._signals = None
            self.progress_row.hide()

    @Slot(object)
    def _on_read(self, source: object) -> None:
        if self.pools is not None and self.sender() is not self._signals:
            return
        assert isinstance(source, JsonSource)
        self.source = source
        mapping = convert.detect(source.values)
        fields = convert.fields_of(source.values)
        for combo in (self.shape, self.prompt_field, self.reply_field):
            combo.blockSignals(True)
        for combo in (self.prompt_field, self.reply_field):
            combo.clear()
            for name in fields:
                combo.addItem(name, name)
        if mapping is not None:
            self.shape.setCurrentIndex(self.shape.findData(mapping.shape))
            self.prompt_field.setCurrentIndex(max(0, self.prompt_field.findData(mapping.prompt)))
            self.reply_field.setCurrentIndex(max(0, self.reply_field.findData(mapping.reply)))
            self.recognised.setText(mapping.describe(len(source.values)))
        else:
            self.shape.setCurrentIndex(self.shape.findData(convert.PAIRS))
            self.recognised.setText("Not sure: choose how to read it below.")
        for combo in (self.shape, self.prompt_field, self.reply_field):
            combo.blockSignals(False)
        self._enable_fields()
        self.changed.emit()

    # ---- the mapping -----------------------------------------------------------------------------
    def mapping(self) -> Mapping | None:
        if self.source is None:
            return None
        shape = str(self.shape.currentData())
        found = convert.detect(self.source.values)
        if shape == convert.PAIRS:
            return Mapping(
                shape, prompt=self.prompt_field.currentData(), reply=self.reply_field.currentData()
            )
        if found is not None and found.shape == shape:
            return found
        return Mapping(shape, turns="messages" if shape == "chat" else "conversations")

    def _enable_fields(self) -> None:
        pairs = self.shape.currentData() == convert.PAIRS
        self.prompt_field.setEnabled(pairs)
        self.reply_field.setEnabled(pairs)

    @Slot()
    def _mapping_changed(self) -> None:
        self._enable_fields()
        self.changed.emit()
