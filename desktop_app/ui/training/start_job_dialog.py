"""Start a fine-tuning job: choose, check and confirm, then upload and start.

Page 1 (Choose): the “Where to train” guide (desktop_app.ui.training.where_to_train), the provider
and base model (start_chooser: OpenAI's countdown while it takes jobs, the live model list or the
app's catalogue), the method, and the settings (start_settings: suffix, validation data, and the
numbers behind “Advanced”).
Page 2 (Check, start_check_page): every check runs on a worker on exactly the data that would be
sent. Errors block and each one links to its example; otherwise the estimate (epochs, trained
tokens, cost) is shown and must be confirmed.
Page 3 (Upload): the upload with a progress bar and a Cancel button, then the job is created.
Nothing is sent before the person confirms on page 2.

“Move this model” opens the same dialog on the exact files an earlier job was sent
(core.training.move_model), with its validation file, to train them on another provider.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.dataset.records import Dataset
from desktop_app.core.models.catalog import load_models
from desktop_app.core.providers.errors import OperationCancelled
from desktop_app.core.providers.registry import provider_info
from desktop_app.core.training.jobs import StartProgress, TrainingPlan
from desktop_app.core.training.move_model import MovedData
from desktop_app.core.training.preflight import CheckOutcome, ModelChoice, ValidationChoice
from desktop_app.qt.tasks import Worker
from desktop_app.ui.errors import describe, show_error
from desktop_app.ui.icons import icon
from desktop_app.ui.screen_fit import fit_size
from desktop_app.ui.training.start_check_page import CheckPage, html
from desktop_app.ui.training.start_chooser import ProviderModelChooser, Target
from desktop_app.ui.training.start_settings import TrainingSettings
from desktop_app.ui.training.start_workers import Choices, Started, check_dataset, upload_and_start
from desktop_app.ui.training.where_to_train import WhereToTrainGuide
from desktop_app.ui.wheel_guard import scroll_past_boxes_in

if TYPE_CHECKING:
    from desktop_app.ui.training.hub import TrainingHub

log = logging.getLogger(__name__)

__all__ = ["Choices", "StartJobDialog", "Started", "Target"]


class StartJobDialog(QDialog):
    """Choose → check and confirm → upload and start."""

    problem_activated = Signal(int, int)  # record index, message index (-1)
    job_started = Signal(object)  # JobKey
    keys_requested = Signal()

    CHOOSE, CHECK, UPLOAD = range(3)

    def __init__(
        self,
        hub: TrainingHub,
        dataset: Dataset,
        *,
        path: Path | None = None,
        name: str = "",
        parent: QWidget | None = None,
        moving: MovedData | None = None,
    ) -> None:
        super().__init__(parent)
        self.hub = hub
        self.dataset = dataset
        self.moving = moving
        self.path = path or dataset.path
        self.name = name or (self.path.name if self.path else "Untitled dataset")
        self.kind = dataset.kind
        self.catalog = load_models()
        self.outcome: CheckOutcome | None = None
        self.started: Started | None = None
        self._check_worker: Worker | None = None
        self._upload_worker: Worker | None = None
        self.choices: Choices | None = None  # fixed when the checks start
        self.setObjectName("start-job-dialog")
        self.setWindowTitle("Move this model" if moving else "Start training")
        self.setWindowIcon(icon("train"))
        self.setMinimumSize(720, 560)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._build_choose_page())
        self.pages.addWidget(self._build_check_page())
        self.pages.addWidget(self._build_upload_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        if moving is not None and moving.validation_copy is not None:
            self.set_validation_file(moving.validation_copy)
        first = hub.config.last_provider
        if moving is not None and first in (moving.record.provider, "practice"):
            first = "together"  # a move goes elsewhere
        self.chooser.select_provider(first)
        fit_size(self, 900, 760)

    # ---- page 1: choose --------------------------------------------------------------------
    def _build_choose_page(self) -> QWidget:
        page = QWidget(self)
        intro = QLabel(self._intro_text(), page)
        intro.setObjectName("start-intro")
        intro.setWordWrap(True)
        self.guide = WhereToTrainGuide(page)
        self.guide.provider_chosen.connect(self._on_guide_chosen)
        self.guide_toggle = QToolButton(page)
        self.guide_toggle.setObjectName("where-to-train-toggle")
        self.guide_toggle.setText("Where to train? Compare the providers")
        self.guide_toggle.setCheckable(True)
        self.guide_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.guide_toggle.toggled.connect(self._on_guide_toggled)
        self.chooser = ProviderModelChooser(self.hub, self.catalog, self.kind, page)
        self.chooser.changed.connect(self._on_choice_changed)
        self.chooser.keys_requested.connect(self._open_keys)
        self.settings = TrainingSettings(self.path.parent if self.path else None, page)
        self.settings.changed.connect(self._invalidate)
        self._alias_widgets()

        content = QWidget(page)
        inner = QVBoxLayout(content)
        inner.addWidget(intro)
        inner.addWidget(self.guide_toggle)
        inner.addWidget(self.guide, 10)  # the room left goes to the guide while it is open
        inner.addWidget(self.chooser)
        inner.addWidget(self.settings)
        inner.addStretch(1)
        scroll = QScrollArea(page)
        scroll.setObjectName("choose-scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        scroll_past_boxes_in(scroll)

        self.next_button = QPushButton(icon("status-ok"), "Check and estimate", page)
        self.next_button.setObjectName("check-button")
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.start_checks)
        cancel = QPushButton("Cancel", page)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.next_button)
        layout = QVBoxLayout(page)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        # new here (practice so far) or moving a model: the guide is open from the start
        self.guide_toggle.setChecked(
            self.moving is not None or self.hub.config.last_provider == "practice"
        )
        self._on_guide_toggled(self.guide_toggle.isChecked())
        return page

    def _intro_text(self) -> str:
        if self.moving is not None:
            old = self.moving.old_model or self.moving.record.job_id
            return (
                f"Train <b>{html(old)}</b>'s exact data on another provider: the training and "
                "validation files job "
                f"{html(self.moving.record.job_id)} was sent. When the new model is ready, "
                "compare the two blind in the playground (Compare) on the validation prompts."
            )
        return (
            f"Train a model on <b>{html(self.name)}</b>. Nothing is sent until you have seen the "
            "checks and the estimate."
        )

    def _alias_widgets(self) -> None:
        """The chooser's and settings' widgets under the dialog's names (tests, screenshots)."""
        chooser, settings = self.chooser, self.settings
        self.provider_combo = chooser.provider_combo
        self.provider_note = chooser.provider_note
        self.wind_down = chooser.wind_down
        self.key_line = chooser.key_line
        self.keys_button = chooser.keys_button
        self.model_combo = chooser.model_combo
        self.model_info = chooser.model_info
        self.method_combo = chooser.method_combo
        self.method_note = chooser.method_note
        self.epochs_spin = settings.epochs_spin
        self.batch_spin = settings.batch_spin
        self.lr_spin = settings.lr_spin
        self.beta_spin = settings.beta_spin
        self.seed_spin = settings.seed_spin
        self.suffix_edit = settings.suffix_edit
        self.validation_combo = settings.validation_combo
        self.split_spin = settings.split_spin
        self.validation_file_label = settings.validation_file_label
        self.advanced_toggle = settings.advanced_toggle

    @Slot(bool)
    def _on_guide_toggled(self, shown: bool) -> None:
        self.guide.setVisible(shown)
        arrow = Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        self.guide_toggle.setArrowType(arrow)

    @Slot(str)
    def _on_guide_chosen(self, kind: str) -> None:
        self.chooser.select_provider(kind)

    # ---- page 2: check and confirm ---------------------------------------------------------
    def _build_check_page(self) -> QWidget:
        page = self.check_page = CheckPage(self)
        page.problem_activated.connect(self.problem_activated)
        page.confirm_check.toggled.connect(self._update_start_button)
        page.back_button.clicked.connect(self._back_to_choose)
        page.start_button.clicked.connect(self.start_upload)
        self.check_title = page.check_title
        self.choices_label = page.choices_label
        self.errors_list = page.errors_list
        self.warnings_list = page.warnings_list
        self.estimate_box = page.estimate_box
        self.confirm_check = page.confirm_check
        self.start_button = page.start_button
        self.back_button = page.back_button
        return page

    # ---- page 3: upload --------------------------------------------------------------------
    def _build_upload_page(self) -> QWidget:
        page = QWidget(self)
        self.upload_title = QLabel("Sending your data…", page)
        self.upload_title.setObjectName("upload-title")
        font = self.upload_title.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.upload_title.setFont(font)
        self.upload_status = QLabel(page)
        self.upload_status.setObjectName("upload-status")
        self.upload_status.setWordWrap(True)
        self.upload_progress = QProgressBar(page)
        self.upload_progress.setObjectName("upload-progress")
        self.upload_progress.setRange(0, 1000)
        self.upload_progress.setFormat("%p%")
        self.cancel_upload_button = QPushButton("Cancel", page)
        self.cancel_upload_button.setObjectName("cancel-upload-button")
        self.cancel_upload_button.setToolTip("Stop the upload; no job is started")
        self.cancel_upload_button.clicked.connect(self.cancel_upload)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_upload_button)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(self.upload_title)
        layout.addWidget(self.upload_status)
        layout.addWidget(self.upload_progress)
        layout.addStretch(2)
        layout.addLayout(buttons)
        return page

    # ---- choices ---------------------------------------------------------------------------
    @property
    def provider_kind(self) -> str:
        return self.chooser.provider_kind

    def target(self) -> Target | None:
        return self.chooser.target()

    @property
    def model(self) -> str:
        return self.chooser.model

    def current_choice(self) -> ModelChoice | None:
        return self.chooser.current_choice()

    @property
    def method(self) -> str:
        return self.chooser.method

    def validation_choice(self) -> ValidationChoice:
        return self.settings.validation_choice()

    def set_validation_file(self, path: Path) -> None:
        self.settings.set_validation_file(path)

    @Slot()
    def _on_choice_changed(self) -> None:
        self.settings.set_method(self.method)
        self._invalidate()

    @Slot()
    def _open_keys(self) -> None:
        dialog = self.hub.show_keys(self)
        dialog.finished.connect(self._on_keys_closed)
        self.keys_requested.emit()

    @Slot()
    def _on_keys_closed(self) -> None:
        self.chooser.listed.clear()
        self.chooser.on_provider_changed()

    def _invalidate(self, *_args: object) -> None:
        """A choice changed: an earlier check result no longer applies.

        Only the first page changes choices; a model list arriving later while the person reads
        the estimate changes nothing that was checked (see `choices`).
        """
        if self.pages.currentIndex() == self.CHOOSE:
            self.outcome = None

    def current_choices(self, target: Target) -> Choices:
        method, settings = self.method, self.settings
        return Choices(
            target=target,
            model=self.model,
            method=method,
            epochs=settings.epochs_spin.value() or None,
            batch_size=settings.batch_spin.value() or None,
            learning_rate_multiplier=settings.lr_spin.value() or None,
            beta=(settings.beta_spin.value() or None) if method == "dpo" else None,
            suffix=settings.suffix_edit.text().strip() or None,
            seed=settings.seed_spin.value() if settings.seed_spin.value() >= 0 else None,
            validation=self.validation_choice(),
        )

    # ---- checking --------------------------------------------------------------------------
    @Slot()
    def start_checks(self) -> None:
        target = self.target()
        if target is None:
            show_error(self, _missing_address(self.provider_kind))
            return
        if not self.model:
            self.model_info.setText("Pick a base model first.")
            return
        if self.settings.needs_validation_file:
            self.validation_file_label.setText("Choose the validation file first.")
            return
        self.outcome = None
        choices = self.choices = self.current_choices(target)
        self.choices_label.setText(self.choices_text())
        self.check_page.show_running(target.kind)
        self.pages.setCurrentIndex(self.CHECK)
        snapshot = Dataset(list(self.dataset), path=self.dataset.path)
        self._check_worker = self.hub.call(
            check_dataset,
            self.hub.tasks.processes.checker,
            snapshot,
            choices.model,
            choices.method,
            choices.epochs,
            choices.validation,
            target.kind,
            self.name,
            succeeded=self._on_checked,
            failed=self._on_check_failed,
            progress=self._on_check_progress,
            finished=self._on_check_finished,
        )

    def choices_text(self) -> str:
        """The choices being checked, in one short paragraph."""
        choice = self.current_choice()
        model = choice.label if choice is not None else self.model
        rows = [
            ("Provider", provider_info(self.provider_kind).label),
            ("Base model", model),
            ("Method", "DPO" if self.method == "dpo" else "supervised"),
            *self.settings.rows(self.method),
        ]
        return " · ".join(f"{label}: <b>{html(value)}</b>" for label, value in rows)

    @Slot(object)
    def _on_check_progress(self, value: object) -> None:
        if isinstance(value, tuple) and len(value) == 2:
            self.check_page.show_progress(int(value[0]), int(value[1]))

    @Slot(object)
    def _on_checked(self, outcome: object) -> None:
        if not isinstance(outcome, CheckOutcome):
            return
        self.outcome = outcome
        kind = self.choices.target.kind if self.choices else self.provider_kind
        self.check_page.show_outcome(outcome, kind)
        self._update_start_button()

    @Slot(object)
    def _on_check_failed(self, error: object) -> None:
        self.check_page.check_progress.hide()
        message, step, _ = describe(error) if isinstance(error, BaseException) else ("", "", "")
        self.check_title.setText(f"<b>The checks could not run.</b> {html(message)} {html(step)}")

    @Slot()
    def _on_check_finished(self) -> None:
        self._check_worker = None

    @Slot()
    def _update_start_button(self, *_args: object) -> None:
        ready = (
            self.outcome is not None
            and not self.outcome.blocked
            and self.confirm_check.isChecked()
            and self._upload_worker is None
        )
        self.start_button.setEnabled(ready)

    @Slot()
    def _back_to_choose(self) -> None:
        if self._check_worker is not None:
            self._check_worker.cancel()
        self.pages.setCurrentIndex(self.CHOOSE)

    # ---- uploading -------------------------------------------------------------------------
    def plan(self) -> TrainingPlan:
        """Exactly what was checked and estimated: the fixed choices and the checked files."""
        assert self.outcome is not None and self.choices is not None
        outcome, choices = self.outcome, self.choices
        dataset_path = self.path
        if self.moving is not None and self.moving.record.dataset_path:
            dataset_path = Path(self.moving.record.dataset_path)
        return TrainingPlan(
            model=choices.model,
            training=outcome.training,
            validation=outcome.validation,
            suffix=choices.suffix,
            seed=choices.seed,
            method=outcome.method,
            n_epochs=choices.epochs,
            batch_size=choices.batch_size,
            learning_rate_multiplier=choices.learning_rate_multiplier,
            beta=choices.beta,
            dataset_path=str(dataset_path) if dataset_path else None,
        )

    def start_upload(self) -> None:
        if self.outcome is None or self.outcome.blocked or self.choices is None:
            return
        target = self.choices.target
        if not self.confirm_check.isChecked():
            return
        store = self.hub.store
        if store is None:
            if self.hub.store_error is not None:
                show_error(self, self.hub.store_error)
            return
        self.hub.save_config(
            replace(self.hub.config, last_provider=target.kind, last_model=self.choices.model)
        )
        limits: dict[str, int] = {}
        if self.hub.multipart_threshold is not None:
            limits["multipart_threshold"] = self.hub.multipart_threshold
        if self.hub.part_size is not None:
            limits["part_size"] = self.hub.part_size
        self.upload_title.setText("Sending your data…")
        self.upload_status.setText("Getting ready…")
        self.upload_progress.setValue(0)
        self.cancel_upload_button.setEnabled(True)
        self.pages.setCurrentIndex(self.UPLOAD)
        self._upload_worker = self.hub.call(
            upload_and_start,
            self.hub.providers,
            target,
            self.plan(),
            store,
            limits,
            succeeded=self._on_started,
            failed=self._on_upload_failed,
            progress=self._on_upload_progress,
            cancelled=self._on_upload_cancelled,
            finished=self._on_upload_finished,
        )
        self._update_start_button()

    @Slot(object)
    def _on_upload_progress(self, step: object) -> None:
        if not isinstance(step, StartProgress):
            return
        self.upload_status.setText(step.message)
        if step.upload is not None:
            self.upload_progress.setValue(int(step.upload.fraction * 1000))
        if step.stage == "create_job":
            self.upload_title.setText("Starting the job…")
            self.upload_progress.setValue(1000)

    @Slot()
    def cancel_upload(self) -> None:
        worker = self._upload_worker
        if worker is None:
            return
        worker.cancel()
        self.cancel_upload_button.setEnabled(False)
        self.upload_status.setText("Cancelling… (waiting for the current step to stop)")

    @Slot(object)
    def _on_started(self, result: object) -> None:
        if not isinstance(result, Started):
            return
        self.started = result
        self.job_started.emit(result.key)
        self.accept()

    @Slot(object)
    def _on_upload_failed(self, error: object) -> None:
        if isinstance(error, OperationCancelled):
            self._on_upload_cancelled()
            return
        self._back_to_confirm()
        self.check_title.setText(
            "<b>The job was not started.</b> Your data and choices are kept; try again when the "
            "problem is solved."
        )
        if isinstance(error, BaseException):
            show_error(self, error, "Could not start training")

    @Slot()
    def _on_upload_cancelled(self) -> None:
        self._back_to_confirm()
        self.check_title.setText("<b>Upload cancelled.</b> No job was started.")

    @Slot()
    def _on_upload_finished(self) -> None:
        self._upload_worker = None
        self._update_start_button()

    def _back_to_confirm(self) -> None:
        self.confirm_check.setChecked(False)
        self.pages.setCurrentIndex(self.CHECK)

    # ---- closing ---------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._upload_worker is not None or self._check_worker is not None

    def reject(self) -> None:
        self._stop_workers()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._stop_workers()
        super().closeEvent(event)

    def _stop_workers(self) -> None:
        for worker in (self._check_worker, self._upload_worker):
            if worker is not None:
                worker.cancel()


def _missing_address(kind: str) -> Exception:
    from desktop_app.core.errors import UserFacingError

    info = provider_info(kind)
    return UserFacingError(
        f"{info.label} needs an address before a job can start.",
        f"Open Keys… and enter it (for example {info.base_url_hint}).",
    )
