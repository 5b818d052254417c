"""The start dialog's training settings: name suffix and validation data in sight, and the
numbers most people leave alone (epochs, batch size, learning-rate multiplier, beta, seed) behind
an “Advanced” disclosure, each with one plain line saying what it does."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.files.glossary import link
from desktop_app.core.training.preflight import ValidationChoice
from desktop_app.ui.dialogs.help_pages import explain as explain_word
from desktop_app.ui.dialogs.help_pages import glossary_label

SUFFIX_MAX = 64
EXPLAIN = {
    "epochs": "How many times the model reads all your examples. More can fit them closer.",
    "batch": "How many examples it looks at before each small adjustment.",
    "lr": "How big each adjustment is; smaller is more careful, larger learns faster.",
    "beta": "Preference training only: how closely the model keeps its old behaviour.",
    "seed": "The same seed and data give a repeatable run.",
}
_GLOSSARY_WORDS = (
    ("epochs", "epochs"),
    ("batch", "batch size"),
    ("lr", "learning-rate multiplier"),
    ("seed", "seed"),
)
GLOSSARY = {
    "epochs": "epochs",
    "batch": "batch-size",
    "lr": "learning-rate-multiplier",
    "seed": "seed",
}


class TrainingSettings(QWidget):
    """Suffix, validation data and the Advanced settings; `changed` after any edit."""

    changed = Signal()

    def __init__(self, start_folder: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._start_folder = start_folder
        self._validation_path: Path | None = None
        self.suffix_edit = QLineEdit(self)
        self.suffix_edit.setObjectName("suffix-edit")
        self.suffix_edit.setMaxLength(SUFFIX_MAX)
        self.suffix_edit.setPlaceholderText(
            "Optional: a word added to the model's name, e.g. brand-voice"
        )
        self._build_validation()
        self._build_advanced()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Name suffix:", self.suffix_edit)
        form.addRow("Validation data:", self.validation_row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.advanced_toggle)
        layout.addWidget(self.advanced)
        self.set_method("supervised")
        self._on_validation_changed()

    # ---- building ----------------------------------------------------------------------------
    def _build_validation(self) -> None:
        self.validation_combo = QComboBox(self)
        self.validation_combo.setObjectName("validation-combo")
        self.validation_combo.addItem("None", "none")
        self.validation_combo.addItem("Set aside part of this dataset", "split")
        self.validation_combo.addItem("Another file…", "file")
        self.validation_combo.currentIndexChanged.connect(self._on_validation_changed)
        self.split_spin = QSpinBox(self)
        self.split_spin.setObjectName("split-spin")
        self.split_spin.setRange(5, 50)
        self.split_spin.setValue(10)
        self.split_spin.setSuffix(" %")
        self.split_spin.setMaximumWidth(120)
        self.split_spin.valueChanged.connect(self._emit_changed)
        self.validation_file_label = QLabel(self)
        self.validation_file_label.setObjectName("validation-file-label")
        self.validation_file_button = QPushButton("Choose file…", self)
        self.validation_file_button.clicked.connect(self._choose_validation_file)
        self.validation_row = QWidget(self)
        row = QHBoxLayout(self.validation_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.validation_combo)
        row.addWidget(self.split_spin)
        row.addWidget(self.validation_file_label, 1)
        row.addWidget(self.validation_file_button)
        row.addStretch(1)

    def _build_advanced(self) -> None:
        self.advanced_toggle = QToolButton(self)
        self.advanced_toggle.setObjectName("advanced-toggle")
        self.advanced_toggle.setText("Advanced training settings")
        self.advanced_toggle.setCheckable(True)
        self.advanced_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced_toggle.setAccessibleName("Show advanced training settings")
        self.advanced_toggle.toggled.connect(self._on_advanced_toggled)
        self.advanced = QWidget(self)
        self.advanced.setObjectName("advanced-settings")
        self.hyper_form = QFormLayout(self.advanced)
        self.epochs_spin = _auto_spin(self.advanced, 50, "epochs-spin")
        self.batch_spin = _auto_spin(self.advanced, 256, "batch-spin")
        self.lr_spin = _auto_double(self.advanced, 10.0, 0.1, "lr-spin")
        self.beta_spin = _auto_double(self.advanced, 2.0, 0.05, "beta-spin")
        self.seed_spin = QSpinBox(self.advanced)
        self.seed_spin.setObjectName("seed-spin")
        self.seed_spin.setRange(-1, 2_147_483_647)
        self.seed_spin.setValue(-1)
        self.seed_spin.setSpecialValueText("Random")
        self.explanations: dict[str, QLabel] = {}
        for key, label, spin in (
            ("epochs", "Epochs:", self.epochs_spin),
            ("batch", "Batch size:", self.batch_spin),
            ("lr", "Learning-rate multiplier:", self.lr_spin),
            ("beta", "Beta (DPO):", self.beta_spin),
            ("seed", "Seed:", self.seed_spin),
        ):
            spin.setMinimumWidth(150)
            spin.setMaximumWidth(200)
            spin.setToolTip(EXPLAIN[key])
            if key in GLOSSARY:  # Shift+F1 on the field links to Help ▸ Glossary
                explain_word(spin, EXPLAIN[key], GLOSSARY[key])
            spin.valueChanged.connect(self._emit_changed)
            explain = QLabel(EXPLAIN[key], self.advanced)
            explain.setObjectName(f"explain-{key}")
            explain.setEnabled(False)
            explain.setWordWrap(True)
            self.explanations[key] = explain
            field = QHBoxLayout()
            field.addWidget(spin)
            field.addWidget(explain, 1)
            self.hyper_form.addRow(label, field)
        auto_note = QLabel("“Automatic” lets the provider choose; that is right for most datasets.")
        auto_note.setWordWrap(True)
        auto_note.setEnabled(False)
        self.hyper_form.addRow(auto_note)
        words = ", ".join(link(GLOSSARY[k], k_text) for k, k_text in _GLOSSARY_WORDS)
        self.glossary_links = glossary_label(f"What do {words} mean? See the glossary.", self)
        self.hyper_form.addRow(self.glossary_links)
        self.advanced.setVisible(False)

    # ---- state -------------------------------------------------------------------------------
    @Slot(bool)
    def _on_advanced_toggled(self, shown: bool) -> None:
        self.advanced.setVisible(shown)
        arrow = Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        self.advanced_toggle.setArrowType(arrow)

    def set_method(self, method: str) -> None:
        """Beta applies to preference (DPO) training only."""
        self.hyper_form.setRowVisible(3, method == "dpo")

    @property
    def beta_row_visible(self) -> bool:
        return self.hyper_form.isRowVisible(3)

    @Slot()
    def _emit_changed(self, *_args: object) -> None:
        self.changed.emit()

    @Slot()
    def _on_validation_changed(self, *_args: object) -> None:
        mode = str(self.validation_combo.currentData())
        self.split_spin.setVisible(mode == "split")
        self.validation_file_label.setVisible(mode == "file")
        self.validation_file_button.setVisible(mode == "file")
        if mode == "file" and self._validation_path is None:
            self.validation_file_label.setText("No file chosen yet")
        self.changed.emit()

    @Slot()
    def _choose_validation_file(self) -> None:
        start = str(self._start_folder) if self._start_folder else ""
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
        self.changed.emit()

    @property
    def needs_validation_file(self) -> bool:
        return self.validation_combo.currentData() == "file" and self._validation_path is None

    def validation_choice(self) -> ValidationChoice:
        mode = str(self.validation_combo.currentData())
        seed = max(0, self.seed_spin.value())
        if mode == "split":
            return ValidationChoice("split", self.split_spin.value() / 100.0, seed=seed)
        if mode == "file" and self._validation_path is not None:
            return ValidationChoice("file", path=self._validation_path, seed=seed)
        return ValidationChoice()

    def rows(self, method: str) -> list[tuple[str, str]]:
        """The chosen settings as (label, value) rows for the summary."""
        rows = [
            ("Epochs", str(self.epochs_spin.value()) if self.epochs_spin.value() else "automatic")
        ]
        if self.batch_spin.value():
            rows.append(("Batch size", str(self.batch_spin.value())))
        if self.lr_spin.value():
            rows.append(("Learning-rate multiplier", f"{self.lr_spin.value():g}"))
        if method == "dpo" and self.beta_spin.value():
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
        return rows


def _auto_spin(parent: QWidget, high: int, name: str) -> QSpinBox:
    spin = QSpinBox(parent)
    spin.setObjectName(name)
    spin.setRange(0, high)
    spin.setSpecialValueText("Automatic")
    spin.setValue(0)
    return spin


def _auto_double(parent: QWidget, high: float, step: float, name: str) -> QDoubleSpinBox:
    spin = QDoubleSpinBox(parent)
    spin.setObjectName(name)
    spin.setRange(0.0, high)
    spin.setDecimals(2)
    spin.setSingleStep(step)
    spin.setSpecialValueText("Automatic")
    return spin
