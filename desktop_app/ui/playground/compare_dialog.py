"""Set up a comparison: which prompts, which two models, how many at once; the token and cost
estimate is worked out (on a worker) and shown before anything is sent.

The prompts come from the open dataset (its validation share, the selected examples, or all of
them) or from a file (JSONL, CSV, plain text). “Start” is the confirmation: its label carries
the estimated cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.dataset.records import Dataset, Record
from desktop_app.core.trying.comparison import CompareError, Comparison, RunSettings
from desktop_app.core.trying.comparison_run import MAX_CONCURRENCY, RunEstimate, estimate_run
from desktop_app.core.trying.endpoints import BASE, TUNED, Endpoint, same_model
from desktop_app.core.trying.prompts import (
    PromptSet,
    prompts_from_dataset,
    read_prompts,
    validation_prompts,
)
from desktop_app.qt.tasks import CancelToken
from desktop_app.ui.errors import describe
from desktop_app.ui.icons import icon
from desktop_app.ui.playground.endpoint_picker import EndpointPicker
from desktop_app.ui.playground.services import TryServices
from desktop_app.ui.screen_fit import fit_size, grow_to_content
from desktop_app.ui.theme import severity_color

VALIDATION, SELECTED, ALL, FILE = "validation", "selected", "all", "file"
PROMPT_FILES = "Prompts (*.jsonl *.json *.csv *.tsv *.txt);;All files (*)"
PREPARE_DELAY_MS = 350


@dataclass(frozen=True, slots=True)
class PromptSource:
    """What to read prompts from, with a snapshot of the dataset's records taken on the GUI
    thread (so the worker never reads a dataset that is being edited)."""

    kind: str
    records: tuple[Record, ...] = ()
    indexes: tuple[int, ...] = ()
    share: float = 0.1
    path: str = ""
    dataset_name: str = ""

    def describe(self, count: int) -> str:
        name = self.dataset_name or "the dataset"
        if self.kind == VALIDATION:
            return f"the validation share ({self.share:.0%}) of {name}, {count} prompts"
        if self.kind == SELECTED:
            return f"{count} selected examples of {name}"
        if self.kind == ALL:
            return f"all examples of {name}, {count} prompts"
        return f"{Path(self.path).name}, {count} prompts"


@dataclass(frozen=True, slots=True)
class Prepared:
    prompts: PromptSet
    comparison: Comparison
    estimate: RunEstimate


def prepare_job(
    source: PromptSource,
    a: Endpoint,
    b: Endpoint,
    settings: RunSettings,
    dataset_path: str | None,
    *,
    generation: int,
    cancel: CancelToken,
    progress: Any,
) -> tuple[Prepared, int]:
    """Worker: read the prompts, make the comparison and estimate its tokens and cost.

    Returns the generation too, so a result that is no longer wanted is recognised."""
    if source.kind == FILE:
        prompts = read_prompts(source.path)
    else:
        dataset = Dataset(list(source.records))
        if source.kind == VALIDATION:
            prompts = validation_prompts(dataset, source.share)
        elif source.kind == SELECTED:
            prompts = prompts_from_dataset(dataset, source.indexes)
        else:
            prompts = prompts_from_dataset(dataset)
    if not prompts.prompts:
        raise CompareError(
            f"There are no prompts to compare. {prompts.skipped_summary()}".strip(),
            "Pick other examples, or a file of prompts.",
        )
    comparison = Comparison.create(
        prompts.prompts,
        a,
        b,
        settings=settings,
        source=source.describe(len(prompts.prompts)),
        dataset_path=dataset_path if source.kind != FILE else None,
    )
    return Prepared(prompts, comparison, estimate_run(comparison)), generation


class CompareSetupDialog(QDialog):
    """Choose prompts and models; accepted, `comparison` holds the comparison to run."""

    def __init__(
        self,
        services: TryServices,
        *,
        selected: Sequence[int] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.selected = tuple(sorted(set(selected)))
        self.comparison: Comparison | None = None
        self._prepared: Prepared | None = None
        self._generation = 0
        self.setObjectName("compare-setup")
        self.setWindowTitle("Compare two models")
        self.setWindowIcon(icon("compare"))
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREPARE_DELAY_MS)
        self._timer.timeout.connect(self.prepare)
        self._build()
        self._choose_defaults()
        self.schedule()

    # ---- building --------------------------------------------------------------------------
    def _build(self) -> None:
        document = self.services.document()
        count = len(document.dataset) if document is not None else 0
        prompts_box = QGroupBox("Prompts", self)
        grid = QGridLayout(prompts_box)
        self.sources = QButtonGroup(self)
        self.validation = QRadioButton("The validation share of this dataset:", prompts_box)
        self.share = QSpinBox(prompts_box)
        self.share.setRange(5, 50)
        self.share.setValue(10)
        self.share.setSuffix(" %")
        self.share.setAccessibleName("Validation share")
        self.selected_radio = QRadioButton(
            f"The {len(self.selected)} selected example{'s' if len(self.selected) != 1 else ''}",
            prompts_box,
        )
        self.all_radio = QRadioButton(f"All {count:,} examples of this dataset", prompts_box)
        self.file_radio = QRadioButton("A file:", prompts_box)
        self.path = QLineEdit(prompts_box)
        self.path.setObjectName("prompts-path")
        self.path.setPlaceholderText(
            "JSONL examples, a CSV with a “prompt” column, or one per line"
        )
        browse = QPushButton("Browse…", prompts_box)
        browse.clicked.connect(self.browse)
        for number, radio in enumerate(
            (self.validation, self.selected_radio, self.all_radio, self.file_radio)
        ):
            self.sources.addButton(radio, number)
        has_data = document is not None and count > 0
        self.validation.setEnabled(has_data)
        self.all_radio.setEnabled(has_data)
        self.selected_radio.setEnabled(has_data and bool(self.selected))
        grid.addWidget(self.validation, 0, 0)
        grid.addWidget(self.share, 0, 1)
        grid.addWidget(self.selected_radio, 1, 0, 1, 3)
        grid.addWidget(self.all_radio, 2, 0, 1, 3)
        grid.addWidget(self.file_radio, 3, 0)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        grid.addLayout(path_row, 3, 1, 1, 2)
        grid.setColumnStretch(2, 1)
        self.prompts_note = QLabel(prompts_box)
        self.prompts_note.setObjectName("prompts-note")
        self.prompts_note.setWordWrap(True)
        grid.addWidget(self.prompts_note, 4, 0, 1, 3)

        models_box = QGroupBox("Models", self)
        models = QVBoxLayout(models_box)
        self.picker_a = EndpointPicker(self.services, "Model A", models_box)
        self.picker_b = EndpointPicker(self.services, "Model B", models_box)
        models.addWidget(self.picker_a)
        models.addWidget(self.picker_b)

        settings_box = QGroupBox("Settings", self)
        form = QFormLayout(settings_box)
        self.concurrency = QSpinBox(settings_box)
        self.concurrency.setRange(1, MAX_CONCURRENCY)
        self.concurrency.setValue(4)
        self.concurrency.setToolTip("Use 1 or 2 for a small local server, 4 for most services")
        self.max_tokens = QSpinBox(settings_box)
        self.max_tokens.setRange(16, 32_000)
        self.max_tokens.setSingleStep(256)
        self.max_tokens.setValue(1024)
        self.max_tokens.setToolTip("Longer replies are cut here (this also caps the cost)")
        form.addRow("Prompts at the same time:", self.concurrency)
        form.addRow("Longest reply (tokens):", self.max_tokens)

        self.estimate = QLabel("Working out the estimate…", self)
        self.estimate.setObjectName("estimate-label")
        self.estimate.setWordWrap(True)
        self.estimate.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.buttons = QDialogButtonBox(self)
        self.start_button = self.buttons.addButton(
            "Start comparison", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.start_button.setObjectName("start-comparison")
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(prompts_box)
        layout.addWidget(models_box)
        layout.addWidget(settings_box)
        layout.addWidget(self.estimate)
        layout.addWidget(self.buttons)
        fit_size(self, 760, self.sizeHint().height())

        self.sources.idToggled.connect(self._on_source_toggled)
        for signal in (
            self.share.valueChanged,
            self.path.textChanged,
            self.concurrency.valueChanged,
            self.max_tokens.valueChanged,
            self.picker_a.changed,
            self.picker_b.changed,
        ):
            signal.connect(self.schedule)

    def _choose_defaults(self) -> None:
        if self.selected_radio.isEnabled() and len(self.selected) > 1:
            self.selected_radio.setChecked(True)
        elif self.validation.isEnabled():
            self.validation.setChecked(True)
        else:
            self.file_radio.setChecked(True)
        choices = self.services.endpoint_choices()
        tuned = next((e for e in choices if e.origin == TUNED), None)
        base = next((e for e in choices if e.origin == BASE), None)
        if base is not None:
            self.picker_a.set_endpoint(base)
        if tuned is not None:
            self.picker_b.set_endpoint(tuned)
        elif self.picker_b.model.count() > 1:  # no tuned model yet: two models of one place
            self.picker_b.model.setCurrentIndex(1)  # (both sides started on the same one)

    @Slot(int, bool)
    def _on_source_toggled(self, _id: int, checked: bool) -> None:
        if checked:
            self.schedule()

    @Slot()
    def browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Prompts for the comparison", "", PROMPT_FILES)
        if name:
            self.path.setText(name)
            self.file_radio.setChecked(True)

    # ---- preparing -------------------------------------------------------------------------
    @Slot()
    def schedule(self) -> None:
        """Work the estimate out again shortly (after the person stops changing things)."""
        self._generation += 1
        self._prepared = None
        self.start_button.setEnabled(False)
        self.start_button.setText("Start comparison")
        self._timer.start()
        self._grow_soon()

    def source(self) -> PromptSource | None:
        document = self.services.document()
        name = (
            document.dataset.path.name
            if document is not None and document.dataset.path
            else "this dataset"
        )
        if self.file_radio.isChecked():
            path = self.path.text().strip()
            return PromptSource(FILE, path=path) if path else None
        if document is None:
            return None
        records = tuple(document.dataset)
        if self.validation.isChecked():
            return PromptSource(
                VALIDATION, records, share=self.share.value() / 100, dataset_name=name
            )
        if self.selected_radio.isChecked():
            return PromptSource(SELECTED, records, indexes=self.selected, dataset_name=name)
        return PromptSource(ALL, records, dataset_name=name)

    @Slot()
    def prepare(self) -> None:
        source = self.source()
        a, b = self.picker_a.endpoint(), self.picker_b.endpoint()
        missing = (
            "Pick the prompts."
            if source is None
            else "Model A: " + self.picker_a.missing()
            if a is None
            else "Model B: " + self.picker_b.missing()
            if b is None
            else "Model A and Model B are the same model: choose another for one of them."
            if same_model(a, b)
            else ""
        )
        if missing or source is None or a is None or b is None:
            self._show_note(self.estimate, missing, error=False)
            return
        document = self.services.document()
        path = document.dataset.path if document is not None else None
        settings = RunSettings(
            max_tokens=self.max_tokens.value(), concurrency=self.concurrency.value()
        )
        self.estimate.setText("Working out the estimate…")
        self.services.run(
            prepare_job,
            source,
            a,
            b,
            settings,
            str(path) if path is not None else None,
            generation=self._generation,
            succeeded=self._on_prepared,
            failed=self._on_prepare_failed,
        )

    @Slot(object)
    def _on_prepared(self, result: object) -> None:
        prepared, generation = result if isinstance(result, tuple) else (None, -1)
        if generation != self._generation or not isinstance(prepared, Prepared):
            return  # the person changed something since: a newer estimate is on its way
        self._prepared = prepared
        skipped = prepared.prompts.skipped_summary()
        count = len(prepared.comparison.rows)
        self._show_note(self.prompts_note, f"{count} prompt{'s' if count != 1 else ''}. {skipped}")
        lines = prepared.estimate.lines()
        lines.append(
            "Estimates count your prompts exactly and guess each reply as long as its reference."
        )
        self.estimate.setText("\n".join(lines))
        cost = prepared.estimate.cost
        price = "free" if cost == 0 else f"about ${cost:.2f}" if cost is not None else ""
        self.start_button.setText(f"Start comparison ({price})" if price else "Start comparison")
        self.start_button.setEnabled(True)
        self._grow_soon()

    @Slot(object)
    def _on_prepare_failed(self, error: object) -> None:
        message, step, _ = describe(error if isinstance(error, BaseException) else Exception())
        self._show_note(self.prompts_note, f"{message} {step}".strip(), error=True)
        self.estimate.setText("")

    def _grow_soon(self) -> None:
        """Once the labels have their new text laid out, grow to fit it (notes of two lines)."""
        QTimer.singleShot(0, self, lambda: grow_to_content(self))

    def _show_note(self, label: QLabel, text: str, *, error: bool = False) -> None:
        label.setText(text.strip())
        label.setStyleSheet(f"color: {severity_color('error').name()};" if error else "")

    def accept(self) -> None:
        if self._prepared is None:
            return
        self.comparison = self._prepared.comparison
        super().accept()
