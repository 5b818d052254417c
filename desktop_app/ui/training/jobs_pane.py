"""The Jobs pane: training jobs with their status, newest first.

“Started from this app” lists the app's own records (the job store), across providers. Picking a
provider lists that account's jobs from the provider itself, a page at a time (“Show older
jobs”), merged with the app's records of them. Statuses update live while the poller follows a
job; opening a row shows the job view.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import UserFacingError
from desktop_app.core.providers.base import Job
from desktop_app.core.providers.connections import ProviderCache, provider_label, training_kinds
from desktop_app.core.providers.registry import default_account, provider_info
from desktop_app.core.training.job_key import JobKey
from desktop_app.core.training.jobstore import JobRecord
from desktop_app.qt.tasks import CancelToken
from desktop_app.ui.errors import describe
from desktop_app.ui.icons import icon, icon_set
from desktop_app.ui.training.job_models import STATUS_ICONS, JobColumn, JobRow, JobsModel, KeyRole
from desktop_app.ui.training.moving import can_move, moved_pair

if TYPE_CHECKING:
    from desktop_app.ui.training.hub import TrainingHub

log = logging.getLogger(__name__)

PAGE_SIZE = 20
PRACTICE_GONE = "practice job; it ended when the app that ran it closed"


@dataclass(frozen=True, slots=True)
class ListedPage:
    kind: str
    keyed: list[tuple[JobKey, Job]]
    next_after: str | None


def list_page(
    providers: ProviderCache,
    kind: str,
    account: str,
    base_url: str,
    after: str | None,
    *,
    cancel: CancelToken,
    progress: Callable[[object], None],
) -> ListedPage:
    """Worker: one page of the provider's jobs (newest first)."""
    provider = providers.get(kind, account, base_url)
    page = provider.list_jobs(after=after, limit=PAGE_SIZE)
    keyed = [
        (JobKey(provider.kind, provider.account, provider.base_url, j.id), j) for j in page.items
    ]
    return ListedPage(kind, keyed, page.next_after)


class JobsPane(QWidget):
    """Jobs, newest first; double-click (or Enter) opens one."""

    job_activated = Signal(object)  # JobKey

    def __init__(self, hub: TrainingHub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        self.setObjectName("jobs-pane")
        self._next_after: str | None = None
        self._loading = False
        self._stopped = False
        self.source_combo = QComboBox(self)
        self.source_combo.setObjectName("jobs-source")
        self.source_combo.setAccessibleName("Show jobs from")
        self.source_combo.addItem("Started from this app", "app")
        for kind in training_kinds():
            label = "Practice mode" if kind == "practice" else provider_label(kind)
            self.source_combo.addItem(label, kind)
        self.source_combo.currentIndexChanged.connect(self.reload)
        self.refresh_button = QPushButton("Refresh", self)
        self.refresh_button.setObjectName("jobs-refresh")
        self.refresh_button.clicked.connect(self.reload)
        self.open_button = QPushButton(icon("train"), "Open", self)
        self.open_button.setObjectName("jobs-open")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self._open_current)
        self.move_button = QPushButton(icon("train"), "Move this model…", self)
        self.move_button.setObjectName("jobs-move")
        self.move_button.setToolTip(
            "Train the exact files this job was sent on another provider (before its model "
            "stops answering)"
        )
        self.move_button.setEnabled(False)
        self.move_button.clicked.connect(self._move_current)
        self.compare_button = QPushButton(icon("compare"), "Compare old and new…", self)
        self.compare_button.setObjectName("jobs-compare")
        self.compare_button.setToolTip(
            "Ask both models (trained on the same file) the validation prompts and rate the "
            "replies without seeing which model wrote them"
        )
        self.compare_button.setEnabled(False)
        self.compare_button.clicked.connect(self._compare_current)
        top = QHBoxLayout()
        top.addWidget(QLabel("Show jobs:", self))
        top.addWidget(self.source_combo, 1)
        top.addWidget(self.refresh_button)
        top.addWidget(self.open_button)
        top.addWidget(self.move_button)
        top.addWidget(self.compare_button)

        self.model = JobsModel(icon_set(tuple(set(STATUS_ICONS.values()))), self)
        self.table = QTableView(self)
        self.table.setObjectName("jobs-table")
        self.table.setAccessibleName("Training jobs")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(JobColumn.TUNED, QHeaderView.ResizeMode.Stretch)
        for column, width in (
            (JobColumn.STATUS, 190),
            (JobColumn.MODEL, 190),
            (JobColumn.CREATED, 130),
        ):
            self.table.setColumnWidth(column, width)
        self.table.activated.connect(self._on_activated)
        self.table.doubleClicked.connect(self._on_activated)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)

        self.message = QLabel(self)
        self.message.setObjectName("jobs-message")
        self.message.setWordWrap(True)
        self.more_button = QPushButton("Show older jobs", self)
        self.more_button.setObjectName("jobs-more")
        self.more_button.clicked.connect(self.load_more)
        self.more_button.hide()
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.more_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        hub.poller.state_changed.connect(self._on_state_changed)
        self.reload()

    # ---- sources ---------------------------------------------------------------------------
    @property
    def source(self) -> str:
        return str(self.source_combo.currentData())

    def set_source(self, source: str) -> None:
        self.source_combo.setCurrentIndex(max(0, self.source_combo.findData(source)))

    def _target(self, kind: str) -> tuple[str, str] | None:
        """(account, base URL) to list jobs of `kind`, or None when that is not possible now."""
        if kind == "practice":
            url = self.hub.practice.current_url()
            return None if url is None else ("local", url)
        base_url = self.hub.config.base_url(kind) if provider_info(kind).needs_base_url else ""
        if provider_info(kind).needs_base_url and not base_url:
            return None
        try:
            return default_account(kind, base_url or None), base_url
        except ValueError:
            return None

    # ---- loading ---------------------------------------------------------------------------
    @Slot()
    def reload(self, *_args: object) -> None:
        if self._stopped:
            return
        self._next_after = None
        self.more_button.hide()
        source = self.source
        rows = self._store_rows(None if source == "app" else source)
        self.model.set_rows(rows)
        if source == "app":
            self._say_count()
            return
        target = self._target(source)
        if target is None:
            if source == "practice":
                self.message.setText(
                    "Practice mode is not running. Start a practice job to see it here."
                )
            else:
                info = provider_info(source)
                self.message.setText(f"{info.label} needs an address first: set it under Keys….")
            return
        self._fetch(source, target, None)

    @Slot()
    def load_more(self) -> None:
        source = self.source
        target = self._target(source)
        if target is not None and self._next_after is not None:
            self._fetch(source, target, self._next_after)

    def _fetch(self, kind: str, target: tuple[str, str], after: str | None) -> None:
        if self._loading:
            return
        self._loading = True
        self.refresh_button.setEnabled(False)
        self.more_button.setEnabled(False)
        self.message.setText("Asking the provider for its jobs…")
        account, base_url = target
        self.hub.call(
            list_page,
            self.hub.providers,
            kind,
            account,
            base_url,
            after,
            succeeded=self._on_page,
            failed=self._on_page_failed,
            finished=self._on_page_finished,
        )

    def _store_rows(self, kind: str | None) -> list[JobRow]:
        store = self.hub.store
        if store is None:
            error = self.hub.store_error
            if error is not None:
                self.message.setText(f"{error.message} {error.next_step}")
            return []
        try:
            records = store.list_jobs(provider=kind)
        except UserFacingError as error:
            self.message.setText(f"{error.message} {error.next_step}")
            return []
        rows = []
        for record in records:
            key = self.hub.key_for_record(record)
            job = self.hub.poller.state(key).job or record.job()
            note = ""
            if (
                record.provider == "practice"
                and not job.is_terminal
                and not self.hub.practice_alive(record.base_url)
            ):
                note = PRACTICE_GONE
            rows.append(JobRow(key, job, self.hub.label_for(key), True, note))
        return rows

    @Slot(object)
    def _on_page(self, page: object) -> None:
        if not isinstance(page, ListedPage) or self._stopped or page.kind != self.source:
            return
        rows = []
        recorded = {r.key.record_key for r in self.model.rows() if r.recorded}
        for key, job in page.keyed:
            rows.append(JobRow(key, job, self.hub.label_for(key), key.record_key in recorded))
        self.model.merge(rows)
        self._next_after = page.next_after
        self.more_button.setVisible(page.next_after is not None)
        self._say_count()

    @Slot(object)
    def _on_page_failed(self, error: object) -> None:
        message, step, _ = describe(error) if isinstance(error, BaseException) else ("", "", "")
        self.message.setText(
            f"Could not list the provider's jobs: {message} {step} Showing the app's own records."
        )

    @Slot()
    def _on_page_finished(self) -> None:
        self._loading = False
        self.refresh_button.setEnabled(True)
        self.more_button.setEnabled(True)

    def _say_count(self) -> None:
        count = self.model.rowCount()
        if count == 0:
            self.message.setText(
                "No training jobs yet. Use Start Training to train a model on this dataset."
            )
        else:
            self.message.setText(
                f"{count:,} job{'s' if count != 1 else ''}. Double-click one to follow it."
            )

    # ---- live updates and opening ------------------------------------------------------------
    @Slot(object)
    def _on_state_changed(self, key: object) -> None:
        if not isinstance(key, JobKey) or self._stopped:
            return
        job = self.hub.poller.state(key).job
        if job is None or self.model.update_job(key, job):
            return
        if self.source in ("app", key.provider) and self._is_recorded(key):
            self.reload()

    def _is_recorded(self, key: JobKey) -> bool:
        store = self.hub.store
        try:
            return store is not None and store.get(*key.record_key) is not None
        except UserFacingError:
            return False

    @Slot(QModelIndex)
    def _on_activated(self, index: QModelIndex) -> None:
        key = index.data(KeyRole)
        if isinstance(key, JobKey):
            self.job_activated.emit(key)

    @Slot()
    def _open_current(self) -> None:
        self._on_activated(self.table.currentIndex())

    @Slot(QModelIndex, QModelIndex)
    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.open_button.setEnabled(current.isValid())
        record = self._current_record()
        self.move_button.setEnabled(can_move(record))
        store = self.hub.store
        self.compare_button.setEnabled(
            store is not None and record is not None and moved_pair(store, record) is not None
        )

    def _current_record(self) -> JobRecord | None:
        key = self.table.currentIndex().data(KeyRole)
        store = self.hub.store
        if not isinstance(key, JobKey) or store is None:
            return None
        try:
            return store.get(*key.record_key)
        except UserFacingError:
            return None

    @Slot()
    def _move_current(self) -> None:
        key = self.table.currentIndex().data(KeyRole)
        if isinstance(key, JobKey):
            self.hub.move_model(self.window(), key)

    @Slot()
    def _compare_current(self) -> None:
        store = self.hub.store
        pair = moved_pair(store, self._current_record()) if store is not None else None
        if pair is not None:
            self.hub.compare_requested.emit(pair)

    def stop(self) -> None:
        self._stopped = True
        with contextlib.suppress(RuntimeError, TypeError):
            self.hub.poller.state_changed.disconnect(self._on_state_changed)
