"""Export training files: the examples only (never review notes), optionally split into a training
and a validation file, written atomically into a chosen folder."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.dataset.jsonline import RecordKind
from desktop_app.core.dataset.records import Dataset
from desktop_app.core.dataset.split import split_indexes, write_split
from desktop_app.core.errors import UserFacingError
from desktop_app.core.files.atomic import write_atomic
from desktop_app.ui.dialogs.scope import ScopeChooser
from desktop_app.ui.errors import show_error
from desktop_app.ui.places import documents_folder


class ExportError(UserFacingError):
    """The training files could not be written."""


def unusable_lines(dataset: Dataset) -> int:
    """Lines that are neither blank nor an example (broken or other JSON): left out of the export."""
    kinds = (RecordKind.BROKEN, RecordKind.OTHER)
    return sum(1 for record in dataset if record.parse().kind in kinds)


class ExportDialog(QDialog):
    def __init__(
        self,
        dataset: Dataset,
        error_count: int = 0,
        parent: QWidget | None = None,
        selected: Sequence[int] = (),
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export training files")
        self.source = dataset
        self.dataset = dataset  # what is exported: the whole file or the chosen examples
        self.error_count = error_count
        self.written: list[tuple[Path, int]] = []  # (file, examples)
        layout = QVBoxLayout(self)
        self.scope = ScopeChooser(dataset, selected)
        self.scope.setVisible(len(set(selected)) > 1)
        layout.addWidget(self.scope)
        form = QFormLayout()
        folder_row = QHBoxLayout()
        self.folder = QLineEdit(
            str(dataset.path.parent) if dataset.path else str(documents_folder())
        )
        self.folder.setAccessibleName("Folder to write to")
        folder_row.addWidget(self.folder, 1)
        choose = QPushButton("&Choose…")
        choose.setToolTip("Pick the folder for the training files")
        choose.clicked.connect(self._choose)
        folder_row.addWidget(choose)
        folder_label = QLabel("&Folder:")
        folder_label.setBuddy(self.folder)
        form.addRow(folder_label, folder_row)
        self.name = QLineEdit(dataset.path.stem if dataset.path else "dataset")
        self.name.setAccessibleName("File name")
        self.name.setToolTip("The files are called NAME_train.jsonl and NAME_validation.jsonl")
        form.addRow("File &name:", self.name)
        self.validation = QCheckBox("Keep some examples apart to check the training (validation)")
        self.validation.setChecked(True)
        form.addRow(self.validation)
        self.share = QSpinBox()
        self.share.setRange(1, 50)
        self.share.setValue(10)
        self.share.setSuffix(" %")
        self.share.setAccessibleName("Share of examples for validation")
        self.share.setToolTip("How many of the examples go to the validation file")
        form.addRow("&Validation share:", self.share)
        self.seed = QSpinBox()
        self.seed.setRange(0, 999_999)
        self.seed.setAccessibleName("Shuffle number")
        self.seed.setToolTip("The same number always picks the same examples for validation")
        form.addRow("&Shuffle number:", self.seed)
        layout.addLayout(form)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("What will be written")
        layout.addWidget(self.summary)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #b26a00;")
        layout.addWidget(self.warning)
        self._show_warning()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = QPushButton("&Export")
        self.buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.clicked.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.update_summary)
        for signal in (self.validation.toggled, self.share.valueChanged, self.seed.valueChanged):
            signal.connect(self._timer.start)
        self.name.textChanged.connect(self._timer.start)
        self.scope.changed.connect(self._scope_changed)
        self.resize(560, 320)
        self._scope_changed()

    def _scope_changed(self) -> None:
        indexes = self.scope.indexes()
        whole = isinstance(indexes, range) and len(indexes) == len(self.source)
        self.dataset = self.source if whole else Dataset([self.source[i] for i in indexes])
        self._show_warning()
        self.update_summary()

    def _show_warning(self) -> None:
        problems = []
        if self.error_count:
            count = self.error_count
            problems.append(f"the checks still report {count} error{'s' if count != 1 else ''}")
        unusable = unusable_lines(self.dataset)
        if unusable:
            problems.append(
                f"{unusable} line{'s' if unusable != 1 else ''} cannot be used and will be left out"
            )
        text = "Careful: " + " and ".join(problems) + ". The provider may reject the file."
        self.warning.setText(text if problems else "")
        self.warning.setVisible(bool(problems))

    def paths(self) -> tuple[Path, Path]:
        folder = Path(self.folder.text().strip() or ".")
        stem = self.name.text().strip() or "dataset"
        return folder / f"{stem}_train.jsonl", folder / f"{stem}_validation.jsonl"

    def _choose(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose a folder", self.folder.text())
        if folder:
            self.folder.setText(folder)

    def update_summary(self) -> None:
        self.share.setEnabled(self.validation.isChecked())
        self.seed.setEnabled(self.validation.isChecked())
        train_path, validation_path = self.paths()
        try:
            if self.validation.isChecked():
                result = split_indexes(self.dataset, self.share.value() / 100, self.seed.value())
                text = (
                    f"{train_path.name}: {_examples(len(result.train))}\n"
                    f"{validation_path.name}: {_examples(len(result.validation))}"
                )
            else:
                count = sum(1 for r in self.dataset if r.parse().kind in _EXAMPLES)
                text = f"{train_path.name}: {_examples(count)}"
        except UserFacingError as exc:
            self.summary.setText(f"{exc.message} {exc.next_step}")
            self.export_button.setEnabled(False)
            return
        self.summary.setText(text)
        self.export_button.setEnabled(True)

    def export(self) -> list[tuple[Path, int]]:
        train_path, validation_path = self.paths()
        folder = train_path.parent
        if not folder.is_dir():
            raise ExportError(f"The folder “{folder}” does not exist.", "Choose another folder.")
        try:
            if self.validation.isChecked():
                result = split_indexes(self.dataset, self.share.value() / 100, self.seed.value())
                write_split(self.dataset, result, train_path, validation_path)
                return [(train_path, len(result.train)), (validation_path, len(result.validation))]
            data = self.dataset.training_bytes()
            write_atomic(train_path, [data])
            return [(train_path, data.count(b"\n"))]
        except OSError as exc:
            raise ExportError(
                f"The training files could not be written to “{folder}” "
                f"({exc.strerror or 'the system refused'}).",
                "Check that the folder is writable and the disk is not full, then try again.",
                technical=str(exc),
            ) from exc

    def accept(self) -> None:
        targets = [p for p in self.paths() if p.exists()]
        if not self.validation.isChecked():
            targets = [p for p in targets if p == self.paths()[0]]
        if targets:
            names = ", ".join(p.name for p in targets)
            answer = QMessageBox.question(
                self,
                "Replace files?",
                f"{names} already exist{'s' if len(targets) == 1 else ''}. Replace?",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        try:
            self.written = self.export()
        except UserFacingError as exc:
            show_error(self, exc)
            return
        super().accept()


_EXAMPLES = (RecordKind.CHAT, RecordKind.PREFERENCE)


def _examples(count: int) -> str:
    return f"{count} example{'s' if count != 1 else ''}"


def describe_written(written: list[tuple[Path, int]]) -> str:
    lines = [f"{path.name}: {_examples(count)}" for path, count in written]
    folder = written[0][0].parent if written else Path()
    return "Wrote " + "; ".join(lines) + f" in {folder}."


def run_export(
    parent: QWidget | None,
    dataset: Dataset,
    selected: Sequence[int] = (),
    error_count: int = 0,
) -> list[tuple[Path, int]]:
    """Show the dialog; returns the files written with their example counts ([] when cancelled).

    With more than one example selected, the dialog offers to export just those. `error_count`
    (errors the checks still report) makes the dialog warn before writing.
    """
    dialog = ExportDialog(dataset, error_count, parent, selected)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return []
    QMessageBox.information(parent, "Training files written", describe_written(dialog.written))
    return dialog.written
