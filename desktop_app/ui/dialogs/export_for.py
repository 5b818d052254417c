"""“Export for…”: a ready-to-run folder for a trainer on the writer's own computer, or for Vertex AI.

The writer picks the trainer (MLX-LM, TRL, Unsloth, Axolotl, LLaMA-Factory, or Google Vertex AI
for Gemini), the folder, the base model and where validation examples come from; the export itself
(desktop_app.core.exports) runs on a worker, and the dialog then lists in plain words what was
converted or left out, with buttons to open the folder and its README.

    dialog = run_export_for(main_window, dataset, tasks)   # opens window-modal; returns the dialog
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.dataset.records import Dataset
from desktop_app.core.exports import MANIFEST, TARGETS, ExportResult, export_project
from desktop_app.core.exports.common import plural
from desktop_app.qt.tasks import TaskRunner, Worker, WorkerSignals
from desktop_app.qt.waiting import wait_until
from desktop_app.ui.errors import show_error
from desktop_app.ui.layouts import nested
from desktop_app.ui.places import documents_folder


def run_export_for(parent: QWidget | None, dataset: Dataset, pools: TaskRunner) -> ExportForDialog:
    """Open the dialog (window-modal, not blocking) for `dataset`; returns it."""
    dialog = ExportForDialog(dataset, parent, pools=pools)
    dialog.open()
    return dialog


def export_in_background(
    records: Dataset,
    target: str,
    folder: Path,
    base_model: str,
    validation_file: Path | None,
    validation_fraction: float | None,
    overwrite: bool,
    *,
    cancel: Any,
    progress: Any,
) -> ExportResult:
    """The worker's job: read the validation file (if any) and write the export folder."""
    del cancel, progress  # an export is one short step; it is not interrupted halfway
    validation = Dataset.open(validation_file) if validation_file is not None else None
    return export_project(
        records,
        target,
        folder,
        validation,
        base_model or None,
        validation_fraction=validation_fraction,
        overwrite=overwrite,
    )


class ExportForDialog(QDialog):
    exported = Signal(object)  # ExportResult, after the folder was written
    export_failed = Signal(object)  # the error, after it was shown

    def __init__(
        self, dataset: Dataset, parent: QWidget | None = None, *, pools: TaskRunner
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export for a trainer")
        self.dataset = dataset
        self.pools = pools
        self._worker: Worker | None = None
        self._folder_edited = False
        self.written: ExportResult | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Writes a folder that trains a model from this dataset: the data in the trainer's "
            "format, its settings, and a README with the exact commands. Local trainers run on "
            "your own computer; Google Vertex AI tunes Gemini in your Google Cloud project. "
            "Nothing is downloaded or sent now."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(self._build_form())
        self.notes = QPlainTextEdit()
        self.notes.setReadOnly(True)
        self.notes.setAccessibleName("What was changed on the way")
        self.notes.setVisible(False)
        layout.addWidget(self.notes, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Export status")
        layout.addWidget(self.status)
        layout.addWidget(self._build_buttons())
        self._target_changed()
        self.resize(620, 460)

    # ---- layout ----------------------------------------------------------------------------
    def _build_form(self) -> QFormLayout:
        form = QFormLayout()
        self.target = QComboBox()
        for target in TARGETS.values():
            self.target.addItem(target.label, target.name)
        self.target.setAccessibleName("Trainer")
        self.target.currentIndexChanged.connect(self._target_changed)
        form.addRow("&Trainer:", self.target)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        form.addRow("", self.summary)
        folder_row = QHBoxLayout()
        self.folder = QLineEdit()
        self.folder.setAccessibleName("Folder to create")
        self.folder.textEdited.connect(self._folder_typed)
        self.folder.textChanged.connect(self._folder_changed)
        folder_row.addWidget(self.folder, 1)
        choose = QPushButton("&Choose…")
        choose.clicked.connect(self._choose_folder)
        folder_row.addWidget(choose)
        folder_label = QLabel("&Folder:")
        folder_label.setBuddy(self.folder)
        form.addRow(folder_label, folder_row)
        self.replace = QCheckBox("Replace the earlier export in this folder")
        self.replace.setVisible(False)
        form.addRow("", self.replace)
        self.base_model = QLineEdit()
        self.base_model.setAccessibleName("Base model")
        self.base_model.setToolTip(
            "The model to fine-tune; leave empty for the suggested small one"
        )
        form.addRow("&Base model:", self.base_model)
        form.addRow("Validation:", self._build_validation())
        return form

    def _build_validation(self) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        self.no_validation = QRadioButton("&None")
        self.split_validation = QRadioButton("Set &aside")
        self.file_validation = QRadioButton("&Another file:")
        self.share = QSpinBox()
        self.share.setRange(1, 50)
        self.share.setValue(10)
        self.share.setSuffix(" % of the examples")
        self.share.setAccessibleName("Share of examples for validation")
        self.validation_path = QLineEdit()
        self.validation_path.setAccessibleName("Validation file")
        pick = QPushButton("C&hoose…")
        pick.clicked.connect(self._choose_validation)
        self.choice = QButtonGroup(self)
        for button in (self.no_validation, self.split_validation, self.file_validation):
            self.choice.addButton(button)
        self.no_validation.setChecked(True)
        self._split_for_trainer = False
        self.choice.buttonClicked.connect(self._validation_picked)
        self.share.valueChanged.connect(self._validation_picked)
        column.addWidget(self.no_validation)
        split_row = nested(column)
        split_row.addWidget(self.split_validation)
        split_row.addWidget(self.share)
        split_row.addStretch(1)
        file_row = nested(column)
        file_row.addWidget(self.file_validation)
        file_row.addWidget(self.validation_path, 1)
        file_row.addWidget(pick)
        return box

    def _build_buttons(self) -> QDialogButtonBox:
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = QPushButton("&Export")
        self.export_button.setDefault(True)
        self.buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.clicked.connect(self.start_export)
        self.open_folder = QPushButton("Open &folder")
        self.open_readme = QPushButton("Open &README")
        for button in (self.open_folder, self.open_readme):
            self.buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
            button.setVisible(False)  # after adding: the box shows what it is given
        self.open_folder.clicked.connect(self._open_folder)
        self.open_readme.clicked.connect(self._open_readme)
        self.buttons.rejected.connect(self.reject)
        return self.buttons

    # ---- reacting to choices -------------------------------------------------------------
    def target_name(self) -> str:
        return str(self.target.currentData())

    @Slot()
    def _target_changed(self) -> None:
        chosen = TARGETS[self.target_name()]
        self.summary.setText(chosen.summary)
        self.base_model.setPlaceholderText(chosen.default_model)
        # a trainer that will not run without validation examples gets some set aside
        needed = chosen.needs_validation
        self.no_validation.setEnabled(not needed)
        self.no_validation.setText(
            f"&None ({chosen.label} will not train without validation examples)"
            if needed
            else "&None"
        )
        if needed and self.no_validation.isChecked():
            self.split_validation.setChecked(True)
            self._split_for_trainer = True  # the app's choice, undone for a trainer without need
        elif not needed and self._split_for_trainer:
            self.no_validation.setChecked(True)
            self._split_for_trainer = False
        if not self._folder_edited:
            self.folder.setText(str(self._default_folder()))

    @Slot()
    def _validation_picked(self) -> None:
        self._split_for_trainer = False  # the writer's choice from now on

    def _default_folder(self) -> Path:
        path = self.dataset.path
        parent = path.parent if path is not None else documents_folder()
        stem = path.stem if path is not None else "dataset"
        return parent / f"{stem}-{self.target_name()}"

    @Slot(str)
    def _folder_typed(self, _text: str) -> None:
        self._folder_edited = True

    @Slot(str)
    def _folder_changed(self, text: str) -> None:
        earlier = bool(text.strip()) and (Path(text.strip()) / MANIFEST).is_file()
        self.replace.setVisible(earlier)
        if not earlier:
            self.replace.setChecked(False)

    @Slot()
    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose a folder", self.folder.text())
        if folder:
            self._folder_edited = True
            self.folder.setText(folder)

    @Slot()
    def _choose_validation(self) -> None:
        start = str(self.dataset.path.parent) if self.dataset.path else str(Path.home())
        name, _ = QFileDialog.getOpenFileName(
            self, "Choose the validation file", start, "JSON Lines (*.jsonl *.json)"
        )
        if name:
            self.validation_path.setText(name)
            self.file_validation.setChecked(True)

    # ---- exporting -----------------------------------------------------------------------
    @Slot()
    def start_export(self) -> None:
        folder_text = self.folder.text().strip()
        if not folder_text:
            self.status.setText("Choose a folder to write the export to.")
            return
        validation_file: Path | None = None
        if self.file_validation.isChecked():
            if not self.validation_path.text().strip():
                self.status.setText("Choose the validation file, or pick another option.")
                return
            validation_file = Path(self.validation_path.text().strip())
        fraction = self.share.value() / 100 if self.split_validation.isChecked() else None
        if self._split_for_trainer:  # as the trainer needs: too few examples still export
            fraction = None
        snapshot = Dataset(list(self.dataset), path=self.dataset.path, bom=self.dataset.bom)
        signals = WorkerSignals()  # kept by its worker, which may outlive the dialog
        signals.succeeded.connect(self._exported)
        signals.failed.connect(self._failed)
        worker = Worker(
            export_in_background,
            snapshot,
            self.target_name(),
            Path(folder_text),
            self.base_model.text().strip(),
            validation_file,
            fraction,
            not self.replace.isHidden() and self.replace.isChecked(),
            signals=signals,
        )
        self._set_busy(True)
        self.status.setText("Writing the folder…")
        self._worker = worker
        self.pools.start(worker, writer=True, owner=self)  # (a write: after the saves queued)

    @Slot(object)
    def _exported(self, result: ExportResult) -> None:
        self._set_busy(False)
        self.written = result
        label = TARGETS[result.target].label
        valid = (
            f" and {result.validation_examples:,} for validation"
            if result.validation_examples
            else ""
        )
        self.status.setText(
            f"Done: {plural(result.train_examples, 'example')} for training{valid}, written to "
            f"{result.folder}. Follow the README in that folder to train with {label}."
        )
        lines = result.notes or ["Nothing needed converting: every line was used as it is."]
        self.notes.setPlainText(
            "What Finetune Studio changed on the way:\n\n" + "\n".join(f"• {n}" for n in lines)
        )
        self.notes.setVisible(True)
        self.open_folder.setVisible(True)
        self.open_readme.setVisible(True)
        self._folder_changed(self.folder.text())
        self.exported.emit(result)

    @Slot(object)
    def _failed(self, error: BaseException) -> None:
        self._set_busy(False)
        self.status.setText("Nothing was exported.")
        show_error(self, error, "Export for a trainer")
        self.export_failed.emit(error)

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.export_button, self.target, self.folder, self.base_model):
            widget.setEnabled(not busy)

    @Slot()
    def _open_folder(self) -> None:
        if self.written is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.written.folder)))

    @Slot()
    def _open_readme(self) -> None:
        if self.written is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.written.readme)))

    def done(self, code: int) -> None:
        """Closing waits for a running export (it is short) so no worker outlives the dialog."""
        worker = self._worker
        if worker is not None:  # painting meanwhile
            wait_until(worker.done.is_set, 30_000)
        super().done(code)
