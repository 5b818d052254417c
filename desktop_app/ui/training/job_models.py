"""Item models for the training views: jobs, a job's events, a job's checkpoints.

Thin adapters over the core's Job / JobEvent / Checkpoint records: rows are built on demand in
`data()`, updates are batched (one insert per batch of new events, one dataChanged per updated
job), and a reset happens only when a list is replaced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QFrame, QTableView, QWidget

from desktop_app.core.models.provider_dates import RetirementNotice, long_date, retirement_notice
from desktop_app.core.providers.base import Checkpoint, Job, JobEvent, JobStatus
from desktop_app.core.training.job_key import JobKey

KeyRole = Qt.ItemDataRole.UserRole + 1  # the row's JobKey
SortRole = Qt.ItemDataRole.UserRole + 2
Index = QModelIndex | QPersistentModelIndex

STATUS_ICONS = {
    JobStatus.SUCCEEDED: "status-ok",
    JobStatus.FAILED: "severity-error",
    JobStatus.CANCELLED: "severity-warning",
    JobStatus.RUNNING: "train",
    JobStatus.QUEUED: "train",
    JobStatus.VALIDATING_FILES: "train",
    JobStatus.PAUSED: "severity-info",
}


def when(timestamp: int | None) -> str:
    if not timestamp:
        return ""
    return datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M")


def clock(timestamp: int | None) -> str:
    if not timestamp:
        return ""
    return datetime.fromtimestamp(timestamp).strftime("%H:%M:%S")


def number(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


# ---- jobs -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class JobRow:
    key: JobKey
    job: Job
    provider_label: str
    recorded: bool  # the app has its own record of this job (started here)
    note: str = ""  # e.g. “practice job; ended when the app closed”

    @property
    def retiring(self) -> RetirementNotice | None:
        """When the tuned model's base stops answering soon (or did): what to tell (today's date)."""
        tuned = self.job.fine_tuned_model
        return retirement_notice(tuned, self.key.provider) if tuned else None


class JobColumn(IntEnum):
    STATUS = 0
    MODEL = 1
    CREATED = 2
    TOKENS = 3
    TUNED = 4
    JOB = 5
    PROVIDER = 6


JOB_HEADERS = {
    JobColumn.STATUS: "Status",
    JobColumn.MODEL: "Base model",
    JobColumn.CREATED: "Created",
    JobColumn.TOKENS: "Trained tokens",
    JobColumn.TUNED: "Fine-tuned model",
    JobColumn.JOB: "Job",
    JobColumn.PROVIDER: "Where",
}


class JobsModel(QAbstractTableModel):
    """Jobs newest first: the provider's pages merged with the app's own records."""

    def __init__(self, icons: dict[str, QIcon] | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[JobRow] = []
        self._icons = icons or {}

    # ---- reading ---------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(JobColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(JobColumn):
            return JOB_HEADERS[JobColumn(section)]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = JobColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == KeyRole:
            return row.key
        if role == SortRole:
            return row.job.created_at or 0
        if role == Qt.ItemDataRole.DecorationRole and column is JobColumn.STATUS:
            return self._icons.get(STATUS_ICONS.get(row.job.status, ""))
        if role == Qt.ItemDataRole.DecorationRole and column is JobColumn.TUNED and row.retiring:
            return self._icons.get("severity-warning")
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{JOB_HEADERS[column]}: {self._display(row, column)}"
        return None

    @staticmethod
    def _display(row: JobRow, column: JobColumn) -> str:
        job = row.job
        if column is JobColumn.STATUS:
            return job.status_label + (f" ({row.note})" if row.note else "")
        if column is JobColumn.MODEL:
            return job.model
        if column is JobColumn.CREATED:
            return when(job.created_at)
        if column is JobColumn.TOKENS:
            return number(job.trained_tokens)
        if column is JobColumn.TUNED:
            retiring = row.retiring
            if retiring is None:
                return job.fine_tuned_model or ""
            day = long_date(retiring.shutdown)
            mark = "no longer answers" if retiring.gone else f"stops answering on {day}"
            return f"{job.fine_tuned_model} — {mark}"
        if column is JobColumn.JOB:
            return job.id
        return row.provider_label

    @staticmethod
    def _tooltip(row: JobRow) -> str:
        lines = [f"Job {row.job.id} — {row.job.status_label}", f"At: {row.provider_label}"]
        if row.recorded:
            lines.append("Started from this app (its files are kept for reference).")
        if row.note:
            lines.append(row.note[:1].upper() + row.note[1:] + ".")
        if row.retiring is not None:
            lines.append(row.retiring.text)
        return "\n".join(lines)

    # ---- access ----------------------------------------------------------------------------
    def row(self, number: int) -> JobRow:
        return self._rows[number]

    def rows(self) -> list[JobRow]:
        return list(self._rows)

    def find(self, key: JobKey) -> int:
        for number, row in enumerate(self._rows):
            if row.key.record_key == key.record_key:
                return number
        return -1

    # ---- changing --------------------------------------------------------------------------
    def set_rows(self, rows: list[JobRow]) -> None:
        """Show these rows; a selected job stays selected wherever it moves (a refresh that
        brings newer jobs must not move the selection onto another job)."""
        self.layoutAboutToBeChanged.emit()
        kept = [
            (index, self._rows[index.row()].key)
            for index in self.persistentIndexList()
            if 0 <= index.row() < len(self._rows)
        ]
        self._rows = _newest_first(rows)
        at = {row.key: number for number, row in enumerate(self._rows)}
        for index, key in kept:
            row = at.get(key)
            moved = self.index(row, index.column()) if row is not None else QModelIndex()
            self.changePersistentIndex(index, moved)
        self.layoutChanged.emit()

    def merge(self, rows: list[JobRow]) -> None:
        """Update rows already listed; add the others (older pages go to the end, sorted)."""
        added: list[JobRow] = []
        for row in rows:
            at = self.find(row.key)
            if at < 0:
                added.append(row)
                continue
            old = self._rows[at]
            self._rows[at] = JobRow(
                old.key, row.job, old.provider_label, old.recorded or row.recorded, row.note
            )
            self.dataChanged.emit(self.index(at, 0), self.index(at, len(JobColumn) - 1))
        if added:
            self.set_rows(self._rows + added)

    def update_job(self, key: JobKey, job: Job) -> bool:
        at = self.find(key)
        if at < 0:
            return False
        old = self._rows[at]
        self._rows[at] = JobRow(old.key, job, old.provider_label, old.recorded, old.note)
        self.dataChanged.emit(self.index(at, 0), self.index(at, len(JobColumn) - 1))
        return True


def _newest_first(rows: list[JobRow]) -> list[JobRow]:
    return sorted(rows, key=lambda r: (r.job.created_at or 0, r.job.id), reverse=True)


# ---- events -----------------------------------------------------------------------------------
class EventColumn(IntEnum):
    TIME = 0
    LEVEL = 1
    MESSAGE = 2


LEVEL_LABELS = {"info": "Info", "warn": "Warning", "warning": "Warning", "error": "Error"}


class EventsModel(QAbstractTableModel):
    """A job's events, oldest first; new ones are appended in one batch."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._events: list[JobEvent] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._events)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(EventColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return {0: "Time", 1: "Kind", 2: "What happened"}.get(section)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._events):
            return None
        event = self._events[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == EventColumn.TIME:
                return clock(event.created_at)
            if column == EventColumn.LEVEL:
                if event.type == "metrics":
                    return "Progress"
                return LEVEL_LABELS.get(event.level, event.level.capitalize())
            metrics = event.metrics
            return metrics.summary() if metrics is not None else event.message
        return None

    def events(self) -> list[JobEvent]:
        return list(self._events)

    def set_events(self, events: list[JobEvent]) -> None:
        self.beginResetModel()
        self._events = list(events)
        self.endResetModel()

    def append(self, events: list[JobEvent]) -> None:
        if not events:
            return
        start = len(self._events)
        self.beginInsertRows(QModelIndex(), start, start + len(events) - 1)
        self._events.extend(events)
        self.endInsertRows()


# ---- checkpoints ------------------------------------------------------------------------------
class CheckpointColumn(IntEnum):
    STEP = 0
    TRAIN_LOSS = 1
    ACCURACY = 2
    VALID_LOSS = 3
    MODEL = 4


CHECKPOINT_HEADERS = ("Step", "Training loss", "Token accuracy", "Validation loss", "Model name")


def _loss(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


class CheckpointsModel(QAbstractTableModel):
    """A job's checkpoints (newest first) with their metrics."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[Checkpoint] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(CheckpointColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole:
            return CHECKPOINT_HEADERS[section] if 0 <= section < len(CHECKPOINT_HEADERS) else None
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        column = CheckpointColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            metrics = item.metrics
            valid = (
                metrics.valid_loss if metrics.full_valid_loss is None else metrics.full_valid_loss
            )
            return {
                CheckpointColumn.STEP: f"{item.step:,}",
                CheckpointColumn.TRAIN_LOSS: _loss(metrics.train_loss),
                CheckpointColumn.ACCURACY: _percent(metrics.train_accuracy),
                CheckpointColumn.VALID_LOSS: _loss(valid),
                CheckpointColumn.MODEL: item.model,
            }[column]
        if role == Qt.ItemDataRole.ToolTipRole and column is CheckpointColumn.MODEL:
            return "You can chat with this checkpoint by this name."
        if role == Qt.ItemDataRole.TextAlignmentRole and column is not CheckpointColumn.MODEL:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def checkpoints(self) -> list[Checkpoint]:
        return list(self._items)

    def set_checkpoints(self, items: list[Checkpoint]) -> None:
        if [c.id for c in items] == [c.id for c in self._items]:
            return
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()


def job_table(parent: QWidget, name: str, accessible: str) -> QTableView:
    """A read-only table for one of these models, in the job view's style."""
    table = QTableView(parent)
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.setFrameShape(QFrame.Shape.StyledPanel)
    return table
