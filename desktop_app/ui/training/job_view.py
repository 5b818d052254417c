"""One training job, live: status timeline, charts, events, checkpoints, results, provenance.

The view shows the poller's `JobState` for its job and updates when the poller has news. Polling
runs on workers (desktop_app.qt.job_poller); actions (cancel, pause, resume) and the provenance
comparison run on workers too. A failed job is explained in plain words (JobError.explain());
when the provider's message names an example, a button selects that example in the editor.
"""

from __future__ import annotations

import logging
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl, Signal, Slot
from PySide6.QtGui import QCloseEvent, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.dataset.records import Dataset
from desktop_app.core.files.glossary import link
from desktop_app.core.providers.base import Job, JobStatus, parse_result_csv
from desktop_app.core.providers.connections import capabilities_for
from desktop_app.core.training.job_key import JobKey
from desktop_app.core.training.job_work import Provenance, job_action, read_provenance
from desktop_app.core.training.jobstore import JobRecord
from desktop_app.qt.job_poller import JobState
from desktop_app.ui import theme
from desktop_app.ui.dialogs.help_pages import explain, glossary_label
from desktop_app.ui.errors import describe, show_error
from desktop_app.ui.icons import icon
from desktop_app.ui.layouts import nested
from desktop_app.ui.screen_fit import fit_size
from desktop_app.ui.training.job_models import CheckpointsModel, EventsModel, job_table, when
from desktop_app.ui.training.job_results_page import ResultsPage
from desktop_app.ui.training.job_timeline import StatusTimeline, banner, step_times

if TYPE_CHECKING:
    from desktop_app.ui.training.charts import MetricsCharts
    from desktop_app.ui.training.hub import TrainingHub

log = logging.getLogger(__name__)


# ---- the view ---------------------------------------------------------------------------------
class JobView(QWidget):
    """Everything about one job."""

    example_requested = Signal(int, int)  # record index, message index (-1)
    try_requested = Signal(object, object)  # JobKey, Job: its tuned model beside its base

    def __init__(self, hub: TrainingHub, key: JobKey, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from desktop_app.ui.training.charts import MetricsCharts  # QtCharts loads here

        self.hub = hub
        self.key = key
        self.poller = hub.poller
        self.capabilities = capabilities_for(key.provider)
        self.record: JobRecord | None = self._find_record()
        self.provenance: Provenance | None = None
        self._stopped = False
        self._plotted = 0  # events already drawn
        self._from_results = False
        self._action_busy = False
        self._failure_example: int | None = None
        self.setObjectName("job-view")

        # header
        self.title = QLabel(self)
        self.title.setObjectName("job-title")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("job-status")
        self.details = QLabel(self)
        self.details.setObjectName("job-details")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy_button = QPushButton(icon("edit-copy"), "Copy model name", self)
        self.copy_button.setObjectName("copy-model-button")
        self.copy_button.clicked.connect(self.copy_model_name)
        self.copy_button.hide()
        self.try_button = QPushButton(icon("chat"), "Try Beside Its Base Model", self)
        self.try_button.setObjectName("try-model-button")
        self.try_button.setToolTip("Chat with the tuned model and its base model side by side")
        self.try_button.clicked.connect(self.try_model)
        self.try_button.hide()

        self.timeline = StatusTimeline(self)
        self.poll_banner = banner(self, "poll-banner", theme.severity_color("warning").name())
        self.failure = banner(self, "failure-box", theme.severity_color("error").name())
        self.example_button = QPushButton(icon("search"), "Show the example in the editor", self)
        self.example_button.setObjectName("show-example-button")
        self.example_button.clicked.connect(self.show_failing_example)
        self.example_button.hide()
        self.deploy_note = QLabel(self)
        self.deploy_note.setWordWrap(True)
        self.deploy_note.hide()

        # actions
        self.cancel_button = QPushButton("Cancel job", self)
        self.cancel_button.setObjectName("cancel-job-button")
        self.cancel_button.setToolTip(
            "Stop the job at the provider (you pay for steps already run)"
        )
        self.cancel_button.clicked.connect(self.cancel_job)
        self.pause_button = QPushButton("Pause", self)
        self.pause_button.setObjectName("pause-job-button")
        self.pause_button.clicked.connect(self.pause_job)
        self.resume_button = QPushButton("Resume", self)
        self.resume_button.setObjectName("resume-job-button")
        self.resume_button.clicked.connect(self.resume_job)
        self.capability_note = QLabel(self)
        self.capability_note.setObjectName("capability-note")
        self.capability_note.setWordWrap(True)
        self.capability_note.setEnabled(False)
        if not self.capabilities.pause_resume:
            self.pause_button.hide()
            self.resume_button.hide()
            self.capability_note.setText(f"{hub.label_for(key)} does not offer pausing a job.")
        else:
            self.capability_note.hide()
        actions = QHBoxLayout()
        actions.addWidget(self.cancel_button)
        actions.addWidget(self.pause_button)
        actions.addWidget(self.resume_button)
        actions.addWidget(self.capability_note, 1)
        actions.addStretch(0)
        actions.addWidget(self.copy_button)
        actions.addWidget(self.try_button)

        # tabs
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("job-tabs")
        self.charts: MetricsCharts = MetricsCharts(self)
        self.charts_note = QLabel(self)
        self.charts_note.setWordWrap(True)
        charts_page = QWidget(self)
        charts_layout = QVBoxLayout(charts_page)
        charts_layout.addWidget(self.charts, 1)
        charts_layout.addWidget(self.charts_note)
        self.charts_note.setObjectName("charts-note")
        self.charts_note.setText(
            "The charts fill in as the provider reports training steps."
            if self.capabilities.metrics
            else "This provider sends no live metrics; the charts fill from the results file "
            "when the job ends."
        )
        self.tabs.addTab(charts_page, "Progress")
        explain(
            self.charts, "Training loss: how far the model's replies are from yours.", "validation"
        )

        self.events_model = EventsModel(self)
        self.events_table = job_table(self, "events-table", "Events")
        self.events_table.setModel(self.events_model)
        self.events_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.tabs.addTab(self.events_table, "Events")

        self.checkpoints_model = CheckpointsModel(self)
        self.checkpoints_table = job_table(self, "checkpoints-table", "Checkpoints")
        self.checkpoints_table.setModel(self.checkpoints_model)
        self.checkpoints_table.horizontalHeader().setSectionResizeMode(
            4, QHeaderView.ResizeMode.Stretch
        )
        checkpoints_page = QWidget(self)
        checkpoints_layout = QVBoxLayout(checkpoints_page)
        checkpoints_layout.addWidget(self.checkpoints_table, 1)
        hint = glossary_label(
            f"{link('checkpoint', 'Checkpoints')} are saved copies of the model from along the "
            "way; you can chat with one by its name if it did better than the final model.",
            checkpoints_page,
        )
        checkpoints_layout.addWidget(hint)
        self.tabs.addTab(checkpoints_page, "Checkpoints")

        self.results = ResultsPage(key.job_id, self)
        self.tabs.addTab(self.results, "Results file")

        self.provenance_label = QLabel("Looking at what this model was trained on…", self)
        self.provenance_label.setObjectName("provenance-label")
        self.provenance_label.setWordWrap(True)
        self.provenance_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.provenance_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.open_copy_button = QPushButton(
            icon("document-open"), "Open the copy that was sent", self
        )
        self.open_copy_button.setObjectName("open-copy-button")
        self.open_copy_button.clicked.connect(self.open_copy)
        self.open_copy_button.hide()
        self.compare_button = QPushButton("Compare again", self)
        self.compare_button.clicked.connect(self.load_provenance)
        provenance_page = QWidget(self)
        provenance_layout = QVBoxLayout(provenance_page)
        provenance_layout.addWidget(self.provenance_label, 1)
        row = nested(provenance_layout)
        row.addWidget(self.open_copy_button)
        row.addWidget(self.compare_button)
        row.addStretch(1)
        self.tabs.addTab(provenance_page, "Trained on")

        header = QVBoxLayout()
        header.addWidget(self.title)
        header.addWidget(self.status_label)
        header.addWidget(self.details)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.timeline)
        layout.addLayout(actions)
        layout.addWidget(self.poll_banner)
        layout.addWidget(self.failure)
        layout.addWidget(self.example_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.deploy_note)
        layout.addWidget(self.tabs, 1)

        self.poller.state_changed.connect(self._on_state_changed)
        self.poller.poll_failed.connect(self._on_poll_failed)
        self.show_state(self.poller.state(key))
        self.poller.refresh(key)
        state = self.poller.state(key)
        if state.job is None or not state.job.is_terminal:
            self.poller.watch(key)
        self.load_provenance()

    # ---- data ------------------------------------------------------------------------------
    def _find_record(self) -> JobRecord | None:
        store = self.hub.store
        if store is None:
            return None
        try:
            return store.get(*self.key.record_key)
        except Exception:  # a damaged store is reported elsewhere; the view works without it
            log.warning("job record not readable", exc_info=True)
            return None

    @property
    def state(self) -> JobState:
        return self.poller.state(self.key)

    @Slot(object)
    def _on_state_changed(self, key: object) -> None:
        if key == self.key and not self._stopped:
            self.show_state(self.state)

    @Slot(object, object)
    def _on_poll_failed(self, key: object, error: object) -> None:
        if key != self.key or self._stopped:
            return
        message, step, _ = describe(error) if isinstance(error, BaseException) else ("", "", "")
        due = self.poller.next_due_in(self.key)
        again = (
            f" The app tries again by itself in about {max(1, round(due))} s."
            if due is not None
            else ""
        )
        self.poll_banner.setText(
            f"Could not check on the job just now: {message} {step}{again}".strip()
        )
        self.poll_banner.show()

    def show_state(self, state: JobState) -> None:
        job = state.job
        if state.error is None:
            self.poll_banner.hide()
        if job is None:
            self.title.setText(f"Job {self.key.job_id}")
            self.status_label.setText("Asking the provider about the job…")
            self._update_actions(None)
            return
        self.title.setText(f"Job {job.id} — {job.model}")
        self.status_label.setText(self._status_text(job))
        self.details.setText(self._details_text(job))
        self.timeline.set_job(job, step_times(job, state))
        self._update_events(state)
        self.checkpoints_model.set_checkpoints(state.checkpoints)
        shown = state.result_text is not None and self.results.show_results(state.result_text)
        if shown and state.result_text is not None and self.charts.points == 0:
            self._from_results = True
            self.charts.add_metrics(parse_result_csv(state.result_text))
        self._render_failure(job)
        self.copy_button.setVisible(bool(job.fine_tuned_model))
        self._update_try_button(job)
        if job.status == JobStatus.SUCCEEDED and self.capabilities.needs_deployment:
            from desktop_app.core.providers.azure import DEPLOY_NOTE

            self.deploy_note.setText(DEPLOY_NOTE)
            self.deploy_note.show()
        self._update_actions(job)

    def _status_text(self, job: Job) -> str:
        text = f"<b>{job.status_label}</b> · {self.hub.label_for(self.key)}"
        if job.estimated_finish and not job.is_terminal:
            text += f" · expected to finish around {when(job.estimated_finish)}"
        return text

    def _details_text(self, job: Job) -> str:
        parts = [f"Started {when(job.created_at)}" if job.created_at else ""]
        if job.finished_at:
            parts.append(f"ended {when(job.finished_at)}")
        if job.trained_tokens is not None:
            parts.append(f"{job.trained_tokens:,} trained tokens")
        hyper = job.hyperparameters
        if hyper.get("n_epochs") not in (None, "auto"):
            parts.append(f"{hyper['n_epochs']} epochs")
        text = ", ".join(p for p in parts if p)
        if job.fine_tuned_model:
            text += f"\nFine-tuned model: {job.fine_tuned_model}"
        return text

    def _update_events(self, state: JobState) -> None:
        have = self.events_model.rowCount()
        if have > len(state.events):
            self.events_model.set_events(state.events)
        else:
            self.events_model.append(state.events[have:])
        fresh = state.events[self._plotted :]
        self._plotted = len(state.events)
        metrics = [m for m in (e.metrics for e in fresh) if m is not None]
        if metrics:
            if self._from_results:
                self.charts.clear()
                self._from_results = False
            self.charts.add_metrics(metrics)
            self.events_table.scrollToBottom()
        if self.charts.points:
            self.charts_note.setText(
                "Loss measures how far the model's replies are from your examples; token "
                "accuracy, how often it predicts the next word of a reply exactly. Validation "
                "lines use examples the model does not train on."
            )

    def _render_failure(self, job: Job) -> None:
        if job.status != JobStatus.FAILED:
            self.failure.hide()
            self.example_button.hide()
            return
        if job.error is None:
            self.failure.setText("<b>The job failed.</b> The provider did not say why.")
            self.failure.show()
            return
        what, step = job.error.explain()
        self.failure.setText(f"<b>{escape(what)}</b><br>{escape(step)}")
        self.failure.show()
        number = job.error.example_number
        if number is not None and self._failure_example != number:
            self._failure_example = number
            self.load_provenance()
        self._update_example_button()

    def _update_example_button(self) -> None:
        example = self.provenance.example if self.provenance is not None else (None, None)
        record, number = example
        if record is not None:
            self.example_button.setText(f"Show example {record + 1} in the editor")
            self.example_button.setToolTip(
                f"The service named example {number} of the uploaded training file; "
                f"it is example {record + 1} of your dataset."
            )
            self.example_button.setEnabled(True)
            self.example_button.show()
        elif self._failure_example is not None:
            self.example_button.setText(
                f"Example {self._failure_example} is not in the dataset open now"
            )
            self.example_button.setEnabled(False)
            self.example_button.show()
        else:
            self.example_button.hide()

    def _update_actions(self, job: Job | None) -> None:
        status = job.status if job is not None else ""
        running = job is not None and not job.is_terminal
        idle = not self._action_busy
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(idle)
        if self.capabilities.pause_resume:
            self.pause_button.setVisible(status == JobStatus.RUNNING)
            self.resume_button.setVisible(status == JobStatus.PAUSED)
            self.pause_button.setEnabled(idle)
            self.resume_button.setEnabled(idle)

    # ---- actions ---------------------------------------------------------------------------
    @Slot()
    def cancel_job(self) -> None:
        self._run_action("cancel")

    @Slot()
    def pause_job(self) -> None:
        self._run_action("pause")

    @Slot()
    def resume_job(self) -> None:
        self._run_action("resume")

    def _run_action(self, action: str) -> None:
        if self._action_busy or self._stopped:
            return
        self._action_busy = True
        self._update_actions(self.state.job)
        self.hub.call(
            job_action,
            self.hub.providers,
            self.key,
            action,
            self.hub.store,
            succeeded=self._on_action_done,
            failed=self._on_action_failed,
            finished=self._on_action_finished,
        )

    @Slot(object)
    def _on_action_done(self, job: object) -> None:
        if isinstance(job, Job) and not self._stopped:
            self.poller.set_state_job(self.key, job)
            if not job.is_terminal:
                self.poller.watch(self.key)
            self.poller.refresh(self.key)

    @Slot(object)
    def _on_action_failed(self, error: object) -> None:
        if isinstance(error, BaseException) and not self._stopped:
            show_error(self, error, "Could not change the job")

    @Slot()
    def _on_action_finished(self) -> None:
        self._action_busy = False
        self._update_actions(self.state.job)

    @Slot()
    def copy_model_name(self) -> None:
        job = self.state.job
        if job is not None and job.fine_tuned_model:
            QGuiApplication.clipboard().setText(job.fine_tuned_model)

    def _update_try_button(self, job: Job) -> None:
        """Shown once the model is ready."""
        self.try_button.setVisible(job.status == JobStatus.SUCCEEDED and bool(job.fine_tuned_model))

    @Slot()
    def try_model(self) -> None:
        job = self.state.job
        if job is not None and job.fine_tuned_model:
            self.try_requested.emit(self.key, job)

    @Slot()
    def show_failing_example(self) -> None:
        if self.provenance is None:
            return
        record, _number = self.provenance.example
        if record is not None:
            self.example_requested.emit(record, -1)

    @Slot()
    def open_copy(self) -> None:
        if self.provenance is not None and self.provenance.copies:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.provenance.copies[0])))

    # ---- provenance ------------------------------------------------------------------------
    @Slot()
    def load_provenance(self) -> None:
        if self._stopped:
            return
        self.record = self._find_record() or self.record
        job = self.state.job
        number = job.error.example_number if job is not None and job.error is not None else None
        in_validation = bool(job and job.error and job.error.param == "validation_file")
        dataset = self.hub.current_dataset()
        snapshot = Dataset(list(dataset), path=dataset.path) if dataset is not None else None
        trained_on = self.record.dataset_path if self.record is not None else None
        opened = str(snapshot.path) if snapshot is not None and snapshot.path is not None else None
        if opened and trained_on and opened != trained_on:
            snapshot = None  # another dataset is open: compare with the file on disk
        self.hub.call(
            read_provenance,
            self.record,
            snapshot,
            number,
            in_validation,
            succeeded=self._on_provenance,
            failed=self._on_provenance_failed,
        )

    @Slot(object)
    def _on_provenance(self, result: object) -> None:
        if not isinstance(result, Provenance) or self._stopped:
            return
        self.provenance = result
        record = self.record
        if record is None:
            self.provenance_label.setText(
                "This job was not started from this app, so it keeps no copy of the files it was "
                "trained on."
            )
            self._update_example_button()
            return
        lines = []
        source = Path(record.dataset_path).name if record.dataset_path else "an unsaved dataset"
        lines.append(f"<b>Trained on:</b> {escape(source)}")
        if record.dataset_path:
            lines.append(f"Dataset file: {escape(record.dataset_path)}")
        for path in result.copies:
            lines.append(f"Exact copy of what was sent: {escape(str(path))}")
        if result.missing:
            lines.append("The kept copy of the files sent is missing (it may have been deleted).")
        if result.diff is not None:
            lines.append(
                f"<br><b>Compared with {escape(result.compared_with)}:</b> "
                f"{escape(result.diff.summary())}"
            )
            lines.append(
                f"Examples sent: {result.diff.trained:,} · examples now: {result.diff.current:,}"
            )
        elif result.copies:
            lines.append("<br>Open the dataset to see what changed since this job.")
        self.provenance_label.setText("<br>".join(lines))
        self.open_copy_button.setVisible(bool(result.copies))
        self._update_example_button()

    @Slot(object)
    def _on_provenance_failed(self, error: object) -> None:
        message, step, _ = describe(error) if isinstance(error, BaseException) else ("", "", "")
        self.provenance_label.setText(f"{message} {step}".strip())

    # ---- closing ---------------------------------------------------------------------------
    def stop(self) -> None:
        """Stop following (the window closes; the poller keeps what it knows)."""
        if self._stopped:
            return
        self._stopped = True
        try:
            self.poller.state_changed.disconnect(self._on_state_changed)
            self.poller.poll_failed.disconnect(self._on_poll_failed)
        except (RuntimeError, TypeError):
            pass


class JobWindow(QWidget):
    """A job view in its own window."""

    closed = Signal(object)  # JobKey

    def __init__(self, hub: TrainingHub, key: JobKey, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.key = key
        self.setObjectName("job-window")
        self.setWindowTitle(f"Job {key.job_id} — Finetune Studio")
        self.setWindowIcon(icon("train"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.view = JobView(hub, key, self)
        QVBoxLayout(self).addWidget(self.view)
        fit_size(self, 1180, 820)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.view.stop()
        self.closed.emit(self.key)
        super().closeEvent(event)
