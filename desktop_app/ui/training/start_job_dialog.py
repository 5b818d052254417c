"""Start a fine-tuning job: choose, check and confirm, then upload and start.

Page 1 (Choose): provider (with “Practice mode — nothing leaves this computer”), base model (the
provider's list merged with models.json: per-example limit, price, methods, shutdown date),
method, hyperparameters (automatic or chosen), suffix, seed, validation data.
Page 2 (Check): every check runs on a worker on exactly the data that would be sent. Errors block
and each one links to its example; otherwise the estimate (epochs, trained tokens, cost) is shown
and must be confirmed.
Page 3 (Upload): the upload with a progress bar and a Cancel button, then the job is created.
Nothing is sent before the person confirms on page 2.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core import secrets
from desktop_app.core.dataset import Dataset, DatasetKind
from desktop_app.core.jobstore import JobStore
from desktop_app.core.models import DEFAULT_MODEL, load_models
from desktop_app.core.providers.base import ModelRef
from desktop_app.core.providers.errors import OperationCancelled
from desktop_app.core.providers.registry import default_account, provider_info
from desktop_app.core.training import StartedJob, StartProgress, TrainingPlan, start_job
from desktop_app.qt.job_poller import JobKey, cancel_event
from desktop_app.qt.workers import CancelToken, Worker
from desktop_app.ui.errors import describe, show_error
from desktop_app.ui.icons import icon
from desktop_app.ui.training.connections import OPENAI_FAMILY, ProviderCache, training_kinds
from desktop_app.ui.training.preflight import (
    CheckOutcome,
    Finding,
    ModelChoice,
    ValidationChoice,
    estimate_lines,
    model_choices,
    run_checks,
)

if TYPE_CHECKING:
    from desktop_app.ui.training.hub import TrainingHub

log = logging.getLogger(__name__)

FindingRole = Qt.ItemDataRole.UserRole + 1
SUFFIX_MAX = 64


# ---- worker functions (no widgets here) ---------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Target:
    """Where the job goes: provider kind, account and address."""

    kind: str
    account: str
    base_url: str


def fetch_models(
    providers: ProviderCache,
    target: Target,
    *,
    cancel: CancelToken,
    progress: Callable[[object], None],
) -> list[ModelRef]:
    return providers.get(target.kind, target.account, target.base_url).list_models()


def read_key_status(
    kind: str, account: str, *, cancel: CancelToken, progress: Callable[[object], None]
) -> secrets.KeyStatus:
    return secrets.key_status(kind, account)


def check_dataset(
    snapshot: Dataset,
    model: str,
    method: str,
    epochs: int | None,
    validation: ValidationChoice,
    provider: str,
    filename: str,
    *,
    cancel: CancelToken,
    progress: Callable[[object], None],
) -> CheckOutcome:
    def report(done: int, total: int) -> None:
        progress((done, total))

    try:
        return run_checks(
            snapshot,
            model=model,
            method=method,
            epochs=epochs,
            validation=validation,
            provider=provider,
            filename=filename,
            progress=report,
            cancelled=lambda: cancel.cancelled,
        )
    except InterruptedError:
        cancel.raise_if_cancelled()
        raise


@dataclass(frozen=True, slots=True)
class Choices:
    """What the person chose on the first page, fixed when the checks start."""

    target: Target
    model: str
    method: str
    epochs: int | None
    batch_size: int | None
    learning_rate_multiplier: float | None
    beta: float | None
    suffix: str | None
    seed: int | None
    validation: ValidationChoice


@dataclass(frozen=True, slots=True)
class Started:
    key: JobKey
    started: StartedJob


def upload_and_start(
    providers: ProviderCache,
    target: Target,
    plan: TrainingPlan,
    store: JobStore,
    limits: dict[str, int],
    *,
    cancel: CancelToken,
    progress: Callable[[object], None],
) -> Started:
    provider = providers.get(target.kind, target.account, target.base_url)
    started = start_job(
        provider, plan, store=store, progress=progress, cancel=cancel_event(cancel), **limits
    )
    key = JobKey(provider.kind, provider.account, provider.base_url, started.job.id)
    return Started(key, started)


# ---- the dialog -------------------------------------------------------------------------------
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
    ) -> None:
        super().__init__(parent)
        self.hub = hub
        self.dataset = dataset
        self.path = path or dataset.path
        self.name = name or (self.path.name if self.path else "Untitled dataset")
        self.kind = dataset.kind
        self.catalog = load_models()
        self.outcome: CheckOutcome | None = None
        self.started: Started | None = None
        self._listed: dict[Target, list[ModelRef]] = {}
        self._models_error: str = ""
        self._check_worker: Worker | None = None
        self._upload_worker: Worker | None = None
        self.choices: Choices | None = None  # fixed when the checks start
        self._validation_path: Path | None = None
        self.setObjectName("start-job-dialog")
        self.setWindowTitle("Start training")
        self.setWindowIcon(icon("train"))
        self.setMinimumSize(720, 640)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._build_choose_page())
        self.pages.addWidget(self._build_check_page())
        self.pages.addWidget(self._build_upload_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        self._select_provider(hub.config.last_provider)
        self.resize(760, 700)

    # ---- page 1: choose --------------------------------------------------------------------
    def _build_choose_page(self) -> QWidget:
        page = QWidget(self)
        intro = QLabel(
            f"Train a model on <b>{_html(self.name)}</b>. Nothing is sent until you have seen the "
            "checks and the estimate.",
            page,
        )
        intro.setWordWrap(True)

        self.provider_combo = QComboBox(page)
        self.provider_combo.setObjectName("provider-combo")
        self.provider_combo.setAccessibleName("Provider")
        for kind in training_kinds():
            self.provider_combo.addItem(provider_info(kind).label, kind)
        self.provider_combo.currentIndexChanged.connect(self._on_provider_changed)

        self.provider_note = QLabel(page)
        self.provider_note.setObjectName("provider-note")
        self.provider_note.setWordWrap(True)
        self.wind_down = QLabel(page)
        self.wind_down.setObjectName("wind-down-note")
        self.wind_down.setWordWrap(True)
        self.wind_down.setFrameShape(QFrame.Shape.StyledPanel)
        self.wind_down.setStyleSheet("QLabel#wind-down-note { padding: 6px; }")
        self.key_line = QLabel(page)
        self.key_line.setObjectName("key-line")
        self.key_line.setWordWrap(True)
        self.keys_button = QPushButton(icon("key"), "Keys…", page)
        self.keys_button.setToolTip("Add or check your API key, or set the provider's address")
        self.keys_button.clicked.connect(self._open_keys)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_line, 1)
        key_row.addWidget(self.keys_button)

        self.model_combo = QComboBox(page)
        self.model_combo.setObjectName("model-combo")
        self.model_combo.setAccessibleName("Base model")
        self.model_combo.currentIndexChanged.connect(self._on_model_changed)
        self.model_info = QLabel(page)
        self.model_info.setObjectName("model-info")
        self.model_info.setWordWrap(True)

        self.method_combo = QComboBox(page)
        self.method_combo.setObjectName("method-combo")
        self.method_combo.setAccessibleName("Training method")
        self.method_combo.addItem("Supervised — learn from example conversations", "supervised")
        self.method_combo.addItem("DPO — learn which of two replies is preferred", "dpo")
        self.method_note = QLabel(page)
        self.method_note.setWordWrap(True)

        hyper = QGroupBox("Training settings", page)
        hyper_form = QFormLayout(hyper)
        self.hyper_form = hyper_form
        self.epochs_spin = _auto_spin(hyper, 0, 50, "Automatic")
        self.epochs_spin.setObjectName("epochs-spin")
        self.epochs_spin.setToolTip("How many times the model goes through your examples")
        self.epochs_spin.valueChanged.connect(self._invalidate)
        self.batch_spin = _auto_spin(hyper, 0, 256, "Automatic")
        self.batch_spin.setObjectName("batch-spin")
        self.batch_spin.setToolTip("How many examples the model looks at per step")
        self.lr_spin = QDoubleSpinBox(hyper)
        self.lr_spin.setObjectName("lr-spin")
        self.lr_spin.setRange(0.0, 10.0)
        self.lr_spin.setDecimals(2)
        self.lr_spin.setSingleStep(0.1)
        self.lr_spin.setSpecialValueText("Automatic")
        self.lr_spin.setToolTip("Scales how big each learning step is; smaller is more careful")
        self.beta_spin = QDoubleSpinBox(hyper)
        self.beta_spin.setObjectName("beta-spin")
        self.beta_spin.setRange(0.0, 2.0)
        self.beta_spin.setDecimals(2)
        self.beta_spin.setSingleStep(0.05)
        self.beta_spin.setSpecialValueText("Automatic")
        self.beta_spin.setToolTip("DPO only: how strongly the model sticks to its old behaviour")
        hyper_form.addRow("Epochs:", self.epochs_spin)
        hyper_form.addRow("Batch size:", self.batch_spin)
        hyper_form.addRow("Learning-rate multiplier:", self.lr_spin)
        self.beta_label = QLabel("Beta (DPO):", hyper)
        hyper_form.addRow(self.beta_label, self.beta_spin)
        auto_note = QLabel("“Automatic” lets the provider choose; that is right for most datasets.")
        auto_note.setWordWrap(True)
        auto_note.setEnabled(False)
        hyper_form.addRow(auto_note)

        self.suffix_edit = QLineEdit(page)
        self.suffix_edit.setObjectName("suffix-edit")
        self.suffix_edit.setMaxLength(SUFFIX_MAX)
        self.suffix_edit.setPlaceholderText(
            "Optional: a word added to the model's name, e.g. brand-voice"
        )
        self.seed_spin = QSpinBox(page)
        self.seed_spin.setObjectName("seed-spin")
        self.seed_spin.setRange(-1, 2_147_483_647)
        self.seed_spin.setValue(-1)
        self.seed_spin.setSpecialValueText("Random")
        self.seed_spin.setToolTip("The same seed and data give a repeatable run")
        for spin in (
            self.epochs_spin,
            self.batch_spin,
            self.lr_spin,
            self.beta_spin,
            self.seed_spin,
        ):
            spin.setMinimumWidth(150)
            spin.setMaximumWidth(200)

        self.validation_combo = QComboBox(page)
        self.validation_combo.setObjectName("validation-combo")
        self.validation_combo.addItem("None", "none")
        self.validation_combo.addItem("Set aside part of this dataset", "split")
        self.validation_combo.addItem("Another file…", "file")
        self.validation_combo.currentIndexChanged.connect(self._on_validation_changed)
        self.split_spin = QSpinBox(page)
        self.split_spin.setObjectName("split-spin")
        self.split_spin.setRange(5, 50)
        self.split_spin.setValue(10)
        self.split_spin.setSuffix(" %")
        self.split_spin.setMaximumWidth(120)
        self.validation_file_label = QLabel(page)
        self.validation_file_label.setObjectName("validation-file-label")
        self.validation_file_button = QPushButton("Choose file…", page)
        self.validation_file_button.clicked.connect(self._choose_validation_file)
        validation_row = QHBoxLayout()
        validation_row.addWidget(self.validation_combo)
        validation_row.addWidget(self.split_spin)
        validation_row.addWidget(self.validation_file_label, 1)
        validation_row.addWidget(self.validation_file_button)
        validation_row.addStretch(1)

        form = QFormLayout()
        self.choose_form = form
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Provider:", self.provider_combo)
        form.addRow("", self.provider_note)
        form.addRow("", self.wind_down)
        form.addRow("", key_row)
        form.addRow("Base model:", self.model_combo)
        form.addRow("", self.model_info)
        form.addRow("Method:", self.method_combo)
        form.addRow("", self.method_note)
        form.addRow(hyper)
        form.addRow("Name suffix:", self.suffix_edit)
        form.addRow("Seed:", self.seed_spin)
        form.addRow("Validation data:", validation_row)

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
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.method_combo.currentIndexChanged.connect(self._on_method_changed)
        self._on_validation_changed()
        return page

    # ---- page 2: check and confirm ---------------------------------------------------------
    def _build_check_page(self) -> QWidget:
        page = QWidget(self)
        self.check_title = QLabel(page)
        self.check_title.setObjectName("check-title")
        self.check_title.setWordWrap(True)
        self.choices_label = QLabel(page)
        self.choices_label.setObjectName("choices-summary")
        self.choices_label.setWordWrap(True)
        self.choices_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.check_progress = QProgressBar(page)
        self.check_progress.setObjectName("check-progress")
        self.check_progress.setFormat("Checking… %p%")

        self.errors_label = QLabel(page)
        self.errors_label.setWordWrap(True)
        self.errors_list = QListWidget(page)
        self.errors_list.setObjectName("errors-list")
        self.errors_list.setAccessibleName("Problems to fix before training")
        self.errors_list.itemActivated.connect(self._on_finding_activated)
        self.errors_list.itemClicked.connect(self._on_finding_activated)
        self.warnings_label = QLabel(page)
        self.warnings_label.setWordWrap(True)
        self.warnings_list = QListWidget(page)
        self.warnings_list.setObjectName("warnings-list")
        self.warnings_list.setAccessibleName("Warnings")
        self.warnings_list.itemActivated.connect(self._on_finding_activated)
        self.warnings_list.itemClicked.connect(self._on_finding_activated)

        self.estimate_box = QGroupBox("Estimate", page)
        self.estimate_box.setObjectName("estimate-box")
        self.estimate_grid = QGridLayout(self.estimate_box)
        self.estimate_note = QLabel(page)
        self.estimate_note.setWordWrap(True)
        self.confirm_check = QCheckBox(
            "I have read the estimate and want to upload the data and start this job.", page
        )
        self.confirm_check.setObjectName("confirm-check")
        self.confirm_check.toggled.connect(self._update_start_button)

        self.back_button = QPushButton("← Back", page)
        self.back_button.clicked.connect(self._back_to_choose)
        self.start_button = QPushButton(icon("train"), "Upload and start", page)
        self.start_button.setObjectName("start-button")
        self.start_button.setEnabled(False)
        self.start_button.clicked.connect(self.start_upload)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.start_button)

        layout = QVBoxLayout(page)
        layout.addWidget(self.check_title)
        layout.addWidget(self.choices_label)
        layout.addWidget(self.check_progress)
        layout.addWidget(self.errors_label)
        layout.addWidget(self.errors_list, 2)
        layout.addWidget(self.warnings_label)
        layout.addWidget(self.warnings_list, 1)
        layout.addWidget(self.estimate_box)
        layout.addWidget(self.estimate_note)
        layout.addWidget(self.confirm_check)
        layout.addStretch(0)
        layout.addLayout(buttons)
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
        return str(self.provider_combo.currentData())

    def target(self) -> Target | None:
        """The provider account to use, or None while its address is missing."""
        kind = self.provider_kind
        if self.hub.is_shut_down:
            return None
        if kind == "practice":
            base_url = self.hub.practice.base_url
        elif provider_info(kind).needs_base_url:
            base_url = self.hub.config.base_url(kind)
            if not base_url:
                return None
        else:
            base_url = ""
        try:
            account = default_account(kind, base_url or None)
        except ValueError:
            return None
        if kind == "azure":
            from desktop_app.core.providers.azure import azure_base_url

            base_url = azure_base_url(base_url)
        return Target(kind, account, base_url)

    @property
    def model(self) -> str:
        data = self.model_combo.currentData()
        return str(data) if data else self.model_combo.currentText().strip()

    def current_choice(self) -> ModelChoice | None:
        data = self.model_combo.currentData(Qt.ItemDataRole.UserRole + 1)
        return data if isinstance(data, ModelChoice) else None

    @property
    def method(self) -> str:
        return str(self.method_combo.currentData())

    def validation_choice(self) -> ValidationChoice:
        mode = str(self.validation_combo.currentData())
        seed = max(0, self.seed_spin.value())
        if mode == "split":
            return ValidationChoice("split", self.split_spin.value() / 100.0, seed=seed)
        if mode == "file" and self._validation_path is not None:
            return ValidationChoice("file", path=self._validation_path, seed=seed)
        return ValidationChoice()

    def _select_provider(self, kind: str) -> None:
        index = self.provider_combo.findData(kind)
        self.provider_combo.setCurrentIndex(max(0, index))
        self._on_provider_changed()

    @Slot()
    def _on_provider_changed(self, *_args: object) -> None:
        kind = self.provider_kind
        info = provider_info(kind)
        notes = [n for n in info.notes if not n.startswith("OpenAI is winding down")]
        self.provider_note.setText(" ".join(notes))
        self.choose_form.setRowVisible(self.wind_down, kind == "openai")
        if kind == "openai":
            self.wind_down.setText(self._wind_down_text())
        self._invalidate()
        target = self.target()
        if target is None:
            self.key_line.setText(
                f"{info.label} needs an address first. Set it under Keys… (it is saved without "
                "any key)."
            )
            self._fill_models([])
            return
        if info.needs_key:
            self.key_line.setText("Looking up your key…")
            self.hub.call(read_key_status, kind, target.account, succeeded=self._on_key_status)
        else:
            self.key_line.setText("No key needed: the practice server runs on this computer.")
        self._fill_models(self._listed.get(target, []))
        if target not in self._listed:
            self.hub.call(
                fetch_models,
                self.hub.providers,
                target,
                succeeded=self._on_models,
                failed=self._on_models_failed,
            )

    def _wind_down_text(self) -> str:
        try:
            facts = self.catalog.provider("openai")
        except KeyError:
            return ""
        text = facts.notes or provider_info("openai").notes[0]
        if facts.no_new_jobs_from is not None:
            when = facts.no_new_jobs_from.isoformat()
            if date.today() >= facts.no_new_jobs_from:
                return f"⚠ OpenAI no longer accepts new fine-tuning jobs (since {when}). {text}"
            return f"⚠ OpenAI accepts new fine-tuning jobs only until {when}. {text}"
        return f"⚠ {text}"

    @Slot(object)
    def _on_key_status(self, status: object) -> None:
        if not isinstance(status, secrets.KeyStatus) or status.provider != self.provider_kind:
            return
        if status.has_key:
            self.key_line.setText(f"Key {status.masked}. {status.where}")
        else:
            self.key_line.setText(
                "There is no API key for this provider yet. Add one under Keys… first."
            )

    @Slot(object)
    def _on_models(self, models: object) -> None:
        if not isinstance(models, list):
            return
        target = self.target()
        if target is None:
            return
        refs = [m for m in models if isinstance(m, ModelRef)]
        self._listed[target] = refs
        self._models_error = ""
        self._fill_models(refs)

    @Slot(object)
    def _on_models_failed(self, error: object) -> None:
        message, _step, _ = describe(error) if isinstance(error, BaseException) else ("", "", "")
        self._models_error = (
            f"The provider's own model list could not be loaded ({message.rstrip('.')}); "
            "showing the models the app knows."
        )
        self._on_model_changed()

    def _fill_models(self, listed: list[ModelRef]) -> None:
        kind = self.provider_kind
        previous = self.model or self.hub.config.last_model or DEFAULT_MODEL
        choices = model_choices(kind, listed, self.catalog)
        self.model_combo.blockSignals(True)
        self.model_combo.clear()
        self.model_combo.setEditable(kind not in OPENAI_FAMILY)
        for choice in choices:
            text = choice.label if choice.label == choice.id else f"{choice.label} ({choice.id})"
            self.model_combo.addItem(text, choice.id)
            self.model_combo.setItemData(
                self.model_combo.count() - 1, choice, Qt.ItemDataRole.UserRole + 1
            )
            self.model_combo.setItemData(
                self.model_combo.count() - 1, choice.describe(), Qt.ItemDataRole.ToolTipRole
            )
        index = self.model_combo.findData(previous)
        if index < 0:
            index = self.model_combo.findData(DEFAULT_MODEL)
        self.model_combo.setCurrentIndex(max(0, index) if self.model_combo.count() else -1)
        self.model_combo.blockSignals(False)
        self._on_model_changed()

    @Slot()
    def _on_model_changed(self, *_args: object) -> None:
        choice = self.current_choice()
        lines = []
        if choice is not None:
            lines.append(choice.describe())
            if choice.info is not None and choice.info.notes and choice.info.status != "available":
                lines.append(choice.info.notes)
        elif self.model:
            lines.append("A model the app does not know: no price or limit can be shown.")
        if self._models_error:
            lines.append(self._models_error)
        self.model_info.setText("\n".join(lines))
        self._update_methods()
        self._invalidate()

    def _update_methods(self) -> None:
        choice = self.current_choice()
        supports_dpo = choice.supports("dpo") if choice is not None else True
        view_model = self.method_combo.model()
        dpo_item = view_model.item(1) if hasattr(view_model, "item") else None
        if dpo_item is not None:
            dpo_item.setEnabled(supports_dpo)
        wanted = "dpo" if self.kind == DatasetKind.PREFERENCE and supports_dpo else "supervised"
        self.method_combo.setCurrentIndex(self.method_combo.findData(wanted))
        if self.kind == DatasetKind.PREFERENCE and not supports_dpo:
            self.method_note.setText(
                "This dataset holds preference pairs, but this model cannot learn from them "
                "(no DPO). Pick a model that lists DPO."
            )
        elif self.kind == DatasetKind.PREFERENCE:
            self.method_note.setText("This dataset holds preference pairs, so it trains with DPO.")
        else:
            self.method_note.setText("This dataset holds example conversations (supervised).")
        self._on_method_changed()

    @Slot()
    def _on_method_changed(self, *_args: object) -> None:
        self.hyper_form.setRowVisible(self.beta_spin, self.method == "dpo")
        self._invalidate()

    @Slot()
    def _on_validation_changed(self, *_args: object) -> None:
        mode = str(self.validation_combo.currentData())
        self.split_spin.setVisible(mode == "split")
        self.validation_file_label.setVisible(mode == "file")
        self.validation_file_button.setVisible(mode == "file")
        if mode == "file" and self._validation_path is None:
            self.validation_file_label.setText("No file chosen yet")
        self._invalidate()

    @Slot()
    def _choose_validation_file(self) -> None:
        start = str(self.path.parent) if self.path else ""
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Validation file", start, "Datasets (*.jsonl *.json);;All files (*)"
        )
        if chosen:
            self.set_validation_file(Path(chosen))

    def set_validation_file(self, path: Path) -> None:
        self._validation_path = path
        self.validation_combo.setCurrentIndex(self.validation_combo.findData("file"))
        self.validation_file_label.setText(path.name)
        self.validation_file_label.setToolTip(str(path))
        self._invalidate()

    @Slot()
    def _open_keys(self) -> None:
        dialog = self.hub.show_keys(self)
        dialog.finished.connect(self._on_keys_closed)
        self.keys_requested.emit()

    @Slot()
    def _on_keys_closed(self) -> None:
        self._listed.clear()
        self._on_provider_changed()

    def _invalidate(self, *_args: object) -> None:
        """A choice changed: an earlier check result no longer applies.

        Only the first page changes choices; a model list arriving later while the person reads
        the estimate changes nothing that was checked (see `choices`).
        """
        if self.pages.currentIndex() == self.CHOOSE:
            self.outcome = None

    def current_choices(self, target: Target) -> Choices:
        method = self.method
        return Choices(
            target=target,
            model=self.model,
            method=method,
            epochs=self.epochs_spin.value() or None,
            batch_size=self.batch_spin.value() or None,
            learning_rate_multiplier=self.lr_spin.value() or None,
            beta=(self.beta_spin.value() or None) if method == "dpo" else None,
            suffix=self.suffix_edit.text().strip() or None,
            seed=self.seed_spin.value() if self.seed_spin.value() >= 0 else None,
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
        if self.validation_combo.currentData() == "file" and self._validation_path is None:
            self.validation_file_label.setText("Choose the validation file first.")
            return
        self.outcome = None
        choices = self.choices = self.current_choices(target)
        self.choices_label.setText(self.choices_text())
        self._show_check_running()
        self.pages.setCurrentIndex(self.CHECK)
        snapshot = Dataset(list(self.dataset), path=self.dataset.path)
        self._check_worker = self.hub.call(
            check_dataset,
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
            ("Provider", self.provider_combo.currentText()),
            ("Base model", model),
            ("Method", "DPO" if self.method == "dpo" else "supervised"),
            ("Epochs", str(self.epochs_spin.value()) if self.epochs_spin.value() else "automatic"),
        ]
        if self.batch_spin.value():
            rows.append(("Batch size", str(self.batch_spin.value())))
        if self.lr_spin.value():
            rows.append(("Learning-rate multiplier", f"{self.lr_spin.value():g}"))
        if self.method == "dpo" and self.beta_spin.value():
            rows.append(("Beta", f"{self.beta_spin.value():g}"))
        validation = self.validation_choice()
        if validation.mode == "split":
            rows.append(("Validation", f"{validation.fraction:.0%} of this dataset"))
        elif validation.mode == "file" and validation.path is not None:
            rows.append(("Validation", validation.path.name))
        if self.suffix_edit.text().strip():
            rows.append(("Name suffix", self.suffix_edit.text().strip()))
        if self.seed_spin.value() >= 0:
            rows.append(("Seed", str(self.seed_spin.value())))
        return " · ".join(f"{label}: <b>{_html(value)}</b>" for label, value in rows)

    def _show_check_running(self) -> None:
        self.check_title.setText("Checking every example, exactly as it would be sent…")
        self.check_progress.setRange(0, 0)
        self.check_progress.show()
        for widget in (
            self.errors_label,
            self.errors_list,
            self.warnings_label,
            self.warnings_list,
            self.estimate_box,
            self.estimate_note,
            self.confirm_check,
        ):
            widget.hide()
        self.confirm_check.setChecked(False)
        self.start_button.setEnabled(False)

    @Slot(object)
    def _on_check_progress(self, value: object) -> None:
        if isinstance(value, tuple) and len(value) == 2:
            done, total = value
            self.check_progress.setRange(0, max(1, int(total)))
            self.check_progress.setValue(int(done))

    @Slot(object)
    def _on_checked(self, outcome: object) -> None:
        if not isinstance(outcome, CheckOutcome):
            return
        self.outcome = outcome
        self.check_progress.hide()
        self._fill_findings(self.errors_list, outcome.errors, "severity-error")
        self._fill_findings(self.warnings_list, outcome.warnings, "severity-warning")
        if outcome.blocked:
            count = len(outcome.errors)
            self.check_title.setText(
                f"<b>{count} problem{'s' if count != 1 else ''} must be fixed before training.</b>"
                " Nothing was sent."
            )
            self.errors_label.setText(
                "Click a problem to go to its example in the editor. Fix them, then start again."
            )
            self.errors_label.show()
            self.errors_list.show()
        else:
            self.check_title.setText(
                "<b>The checks found nothing that stops training.</b> Read the estimate below."
            )
            self._fill_estimate(outcome)
        if outcome.warnings:
            count = len(outcome.warnings)
            self.warnings_label.setText(
                f"{count} warning{'s' if count != 1 else ''}: the job can run, but look at "
                f"{'them' if count != 1 else 'it'} first."
            )
            self.warnings_label.show()
            self.warnings_list.show()
        self._update_start_button()

    def _fill_findings(self, widget: QListWidget, findings: list[Finding], icon_name: str) -> None:
        widget.clear()
        for finding in findings:
            item = QListWidgetItem(icon(icon_name), finding.text)
            item.setData(FindingRole, finding)
            tip = finding.problem.hint or finding.problem.message
            if finding.record_index is not None:
                tip += "\n\nClick to show this example in the editor."
            item.setToolTip(tip)
            widget.addItem(item)

    def _fill_estimate(self, outcome: CheckOutcome) -> None:
        while self.estimate_grid.count():
            taken = self.estimate_grid.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.deleteLater()
        kind = self.choices.target.kind if self.choices else self.provider_kind
        for row, (label, value) in enumerate(estimate_lines(outcome, kind)):
            name = QLabel(label + ":", self.estimate_box)
            text = QLabel(f"<b>{_html(value)}</b>", self.estimate_box)
            text.setObjectName(f"estimate-{row}")
            text.setWordWrap(True)
            self.estimate_grid.addWidget(name, row, 0)
            self.estimate_grid.addWidget(text, row, 1)
        self.estimate_grid.setColumnStretch(1, 1)
        notes = list(outcome.notes)
        if kind != "practice":
            notes.append(
                "The provider counts the final tokens itself, so the bill can differ a little."
            )
        self.estimate_note.setText(" ".join(notes))
        self.estimate_box.show()
        self.estimate_note.setVisible(bool(notes))
        self.confirm_check.show()

    @Slot(object)
    def _on_check_failed(self, error: object) -> None:
        self.check_progress.hide()
        message, step, _ = describe(error) if isinstance(error, BaseException) else ("", "", "")
        self.check_title.setText(f"<b>The checks could not run.</b> {_html(message)} {_html(step)}")

    @Slot()
    def _on_check_finished(self) -> None:
        self._check_worker = None

    @Slot(QListWidgetItem)
    def _on_finding_activated(self, item: QListWidgetItem) -> None:
        finding = item.data(FindingRole)
        if isinstance(finding, Finding) and finding.record_index is not None:
            message = finding.problem.message_index
            self.problem_activated.emit(finding.record_index, -1 if message is None else message)

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
            dataset_path=str(self.path) if self.path else None,
        )

    @Slot()
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


def _auto_spin(parent: QWidget, low: int, high: int, auto: str) -> QSpinBox:
    spin = QSpinBox(parent)
    spin.setRange(low, high)
    spin.setSpecialValueText(auto)
    spin.setValue(low)
    return spin


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _missing_address(kind: str) -> Exception:
    from desktop_app.core.errors import UserFacingError

    info = provider_info(kind)
    return UserFacingError(
        f"{info.label} needs an address before a job can start.",
        f"Open Keys… and enter it (for example {info.base_url_hint}).",
    )
