"""Import examples from a spreadsheet (CSV/TSV/XLSX with a column mapping), a JSON/JSONL file of
another shape (Alpaca, ShareGPT, chosen/rejected... see import_shapes.py), a prompt/completion
JSONL file, a plain-text script of "User:" / "Assistant:" turns, or pasted text.

The conversion itself is desktop_app.core.convert; this dialog picks the source, shows the first
examples as they will be added and every note about what was skipped or changed, then adds the
examples at the end of the dataset as one undoable step.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core import convert
from desktop_app.core.convert import Conversion, Table
from desktop_app.core.dataset import edits
from desktop_app.core.dataset.records import Dataset
from desktop_app.core.errors import UserFacingError
from desktop_app.core.trying.prompts import usual_system_prompt
from desktop_app.qt.commands import InsertRecordsCommand
from desktop_app.qt.tasks import TaskRunner
from desktop_app.ui.dialogs.import_shapes import ShapePage
from desktop_app.ui.layouts import same_label_width
from desktop_app.ui.screen_fit import fit_size

PREVIEW_ROWS = 20
NO_COLUMN = "(none)"

SOURCES = (
    ("table", "Spreadsheet (CSV, TSV or Excel)"),
    ("json", "JSON or JSONL examples (Alpaca, ShareGPT, chosen/rejected, …)"),
    ("legacy", "Prompt/completion file (older JSONL)"),
    ("script", "Script with User: / Assistant: turns (.txt)"),
    ("paste", "Pasted text"),
)
_KIND_OF_SUFFIX = {".csv": "table", ".tsv": "table", ".xlsx": "table", ".xlsm": "table"}
_FILTERS = {
    "table": "Spreadsheets (*.csv *.tsv *.xlsx *.xlsm)",
    "json": "JSON files (*.json *.jsonl)",
    "legacy": "JSON Lines (*.jsonl *.json)",
    "script": "Text files (*.txt)",
}


def convert_pasted(text: str, system: str | None) -> Conversion:
    """Pasted JSON lines stay examples (prompt/completion ones converted); other text is a script."""
    lines = [line for line in text.splitlines() if line.strip()]
    if lines and all(_is_json_object(line) for line in lines):
        dataset = Dataset.from_bytes("\n".join(lines).encode("utf-8"))
        try:
            return convert.legacy_to_chat(dataset, system)
        except convert.ConversionError:
            values = [dataset.value(i) for i in range(len(dataset))]
            return Conversion(values, [f"Took {len(values)} pasted JSON lines as they are."])
    return convert.script_to_chat(text, system)


def _is_json_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


PREVIEW_CHARS = 200  # of each cell's text in the preview (the tooltip has it all)


class ImportDialog(QDialog):
    def __init__(
        self,
        dataset: Dataset,
        undo_stack: QUndoStack,
        parent: QWidget | None = None,
        at: int | None = None,
        *,
        pools: TaskRunner | None = None,
    ) -> None:
        """`pools`: the window's worker pools, for reading other shapes of file off the GUI
        thread (without them, on the GUI thread)."""
        super().__init__(parent)
        self.setWindowTitle("Import examples")
        self.dataset, self.stack = dataset, undo_stack
        self.at = at  # where the examples go (None: at the end)
        self.table: Table | None = None
        self.conversion: Conversion | None = None
        self.imported: list[dict[str, Any]] = []
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.source = QComboBox()
        self.source.setAccessibleName("What to import")
        for key, label in SOURCES:
            self.source.addItem(label, key)
        self.source.currentIndexChanged.connect(self._source_changed)
        form.addRow("&Import from:", self.source)
        self.file_row = QWidget()
        file_layout = QHBoxLayout(self.file_row)
        file_layout.setContentsMargins(0, 0, 0, 0)
        self.path = QLineEdit()
        self.path.setAccessibleName("File to import")
        self.path.setPlaceholderText("Choose a file…")
        self.path.editingFinished.connect(self._load)
        self.path.installEventFilter(self)  # Enter there reads the file; it does not import
        file_layout.addWidget(self.path, 1)
        choose = QPushButton("&Choose…")
        choose.setToolTip("Pick the file to import")
        choose.clicked.connect(self._choose)
        file_layout.addWidget(choose)
        form.addRow("&File:", self.file_row)
        self.system = QLineEdit()
        self.system.setAccessibleName("System prompt for imported examples")
        self.system.setPlaceholderText("Optional: a system prompt for every imported example")
        system_field = QVBoxLayout()
        system_field.setSpacing(2)
        system_field.addWidget(self.system)
        system_label = QLabel("&System prompt:")
        system_label.setBuddy(self.system)  # (a row of a layout gets no buddy by itself)
        form.addRow(system_label, system_field)
        self._usual = self._offer_usual_prompt(system_field)
        self.system.textChanged.connect(self._schedule)
        layout.addLayout(form)

        self.pages = _CurrentPageStack()
        self.mapping = QWidget()
        mapping = QFormLayout(self.mapping)
        mapping.setContentsMargins(0, 0, 0, 0)
        self.prompt_column = QComboBox()
        self.prompt_column.setAccessibleName("Column with the user's messages")
        self.response_column = QComboBox()
        self.response_column.setAccessibleName("Column with the replies")
        self.system_column = QComboBox()
        self.system_column.setAccessibleName("Column with system prompts")
        mapping.addRow("User messages from column:", self.prompt_column)
        mapping.addRow("Replies from column:", self.response_column)
        mapping.addRow("System prompts from column:", self.system_column)
        for combo in (self.prompt_column, self.response_column, self.system_column):
            combo.currentIndexChanged.connect(self._schedule)
        self.pages.addWidget(self.mapping)
        self.pasted = QPlainTextEdit()
        self.pasted.setAccessibleName("Text to import")
        self.pasted.setPlaceholderText(
            "Paste a script such as\n\nUser: How do I reset my password?\nAssistant: Open Settings…"
            "\n\n---\n\nor JSON lines."
        )
        self.pasted.textChanged.connect(self._schedule)
        self.pages.addWidget(self.pasted)
        self.pages.addWidget(QWidget())
        self.shapes = ShapePage(pools)
        self.shapes.changed.connect(self.update_preview)
        self.shapes.failed.connect(self._show_error)
        self.pages.addWidget(self.shapes)
        layout.addWidget(self.pages)

        layout.addWidget(QLabel("Preview (the first examples as they will be added):"))
        self.preview = QTableWidget(0, 3)
        self.preview.setHorizontalHeaderLabels(["System", "User", "Assistant"])
        self.preview.setAccessibleName("Preview of the imported examples")
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.preview.verticalHeader().setVisible(False)
        self.preview.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.preview.setWordWrap(True)
        layout.addWidget(self.preview, 1)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setAccessibleName("Notes about the import")
        self.notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.notes)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = QPushButton("&Import")
        self.buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.clicked.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.update_preview)
        same_label_width([form, mapping, self.shapes.form])  # the fields start in one column
        fit_size(self, 760, 560)
        self._source_changed()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter in the file field reads the file and shows the preview (it imported at once,
        before the writer had seen a column)."""
        if (
            watched is self.path
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self._load()
            return True
        return super().eventFilter(watched, event)

    # ---- choosing the source ------------------------------------------------------------------
    @property
    def kind(self) -> str:
        return str(self.source.currentData())

    def set_source(self, kind: str, path: str | Path | None = None) -> None:
        self.source.setCurrentIndex(self.source.findData(kind))
        if path is not None:
            self.path.setText(str(path))
            self._load()

    def _source_changed(self) -> None:
        kind = self.kind
        self.file_row.setEnabled(kind != "paste")
        self.pages.setCurrentIndex({"table": 0, "paste": 1, "json": 3}.get(kind, 2))
        self.table = None
        self._load()

    def _choose(self) -> None:
        start = str(self.dataset.path.parent) if self.dataset.path else ""
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose a file to import", start, _FILTERS.get(self.kind, "")
        )
        if path:
            self.path.setText(path)
            self._load()

    def _load(self) -> None:
        """Read a table's columns when a spreadsheet is chosen, then refresh the preview."""
        self.table = None
        named = _KIND_OF_SUFFIX.get(Path(self.path.text().strip()).suffix.lower())
        if named is not None and named != self.kind and self.kind != "paste":
            # a spreadsheet chosen as a script was read as one anyway and failed with advice
            # for the command line: the file says what it is, so the choice above follows it
            self.source.setCurrentIndex(self.source.findData(named))  # loads it again
            return
        if self.kind == "table" and self.path.text().strip():
            path = Path(self.path.text().strip())
            try:
                if path.suffix.lower() in (".xlsx", ".xlsm"):
                    self.table = convert.read_xlsx_table(path)
                else:
                    self.table = convert.read_csv_table(path)
            except UserFacingError as exc:
                self._show_error(exc)
                return
            self._fill_columns(self.table)
        if self.kind == "json" and self.path.text().strip():
            self.shapes.load(Path(self.path.text().strip()))  # the preview follows when it is read
            return
        self.update_preview()

    def _fill_columns(self, table: Table) -> None:
        guesses = (convert.PROMPT_NAMES, convert.RESPONSE_NAMES, convert.SYSTEM_NAMES)
        combos = (self.prompt_column, self.response_column, self.system_column)
        for combo, names in zip(combos, guesses, strict=True):
            combo.blockSignals(True)
            combo.clear()
            if combo is self.system_column:
                combo.addItem(NO_COLUMN, None)
            for name in table.header:
                combo.addItem(name or "(unnamed)", name)
            lowered = [h.strip().lower() for h in table.header]
            found = next((lowered.index(n) for n in names if n in lowered), None)
            if found is not None:
                combo.setCurrentIndex(combo.findData(table.header[found]))
            elif combo is self.response_column and combo.count() > 1:
                combo.setCurrentIndex(1)
            combo.blockSignals(False)

    def _offer_usual_prompt(self, field: QVBoxLayout) -> str | None:
        """Imported examples start with the system prompt most of the dataset's examples have
        (the writer clears it to import without one)."""
        usual = usual_system_prompt(self.dataset)
        if usual is None:
            return None
        prompt, count, examples = usual
        self.system.setText(prompt)
        self.system.setCursorPosition(0)
        which = (
            "all your examples" if count == examples else f"{count:,} of your {examples:,} examples"
        )
        note = QLabel(f"The system prompt {which} start with. Clear it to import without one.")
        note.setWordWrap(True)
        note.setEnabled(False)  # a quiet note under the field
        field.addWidget(note)
        return prompt

    # ---- converting ---------------------------------------------------------------------------
    def _schedule(self) -> None:
        self._timer.start()

    def convert(self) -> Conversion | None:
        typed = self.system.text()  # the usual prompt exactly as the examples have it
        system = typed if typed == self._usual else (typed.strip() or None)
        kind, path_text = self.kind, self.path.text().strip()
        if kind == "paste":
            text = self.pasted.toPlainText()
            return convert_pasted(text, system) if text.strip() else None
        if not path_text:
            return None
        if kind == "table":
            if self.table is None:
                return None
            return convert.table_to_chat(
                copy.deepcopy(self.table),  # table_to_chat adds its notes to the table
                self.prompt_column.currentData(),
                self.response_column.currentData(),
                system,
                self.system_column.currentData(),
            )
        path = Path(path_text)
        if kind == "json":
            mapping = self.shapes.mapping()
            if mapping is None or self.shapes.source is None:
                return None
            return convert.import_json(
                path, system, mapping, self.shapes.source, refuse_unchanged=False
            )
        if kind == "legacy":
            return convert.legacy_to_chat(Dataset.open(path), system)
        return convert.import_file(path, system=system)

    def update_preview(self) -> None:
        self.conversion = None
        try:
            result = self.convert()
        except UserFacingError as exc:
            self._show_error(exc)
            return
        self.conversion = result
        values = result.values if result is not None else []
        self.preview.setRowCount(min(PREVIEW_ROWS, len(values)))
        for row, value in enumerate(values[:PREVIEW_ROWS]):
            for column, text in enumerate(_preview_cells(value)):
                # a long text (a shared system prompt, say) is cut, so each row stays a few lines
                shown = text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…"
                item = QTableWidgetItem(shown)
                item.setToolTip(text)
                self.preview.setItem(row, column, item)
        self.preview.resizeRowsToContents()
        if result is None:
            self.notes.setText("Choose what to import to see a preview.")
        else:
            count = len(values)
            where = "at the end" if self.at is None else f"from example {self.at + 1} on"
            lines = [f"{count} example{'s' if count != 1 else ''} will be added {where}."]
            lines += [f"• {note}" for note in result.notes]
            self.notes.setText("\n".join(lines))
        self.notes.setStyleSheet("")
        self.import_button.setEnabled(bool(values))

    def _show_error(self, error: UserFacingError) -> None:
        self.preview.setRowCount(0)
        self.notes.setText(f"{error.message} {error.next_step}")
        self.notes.setStyleSheet("color: #c62828;")
        self.import_button.setEnabled(False)

    def done(self, result: int) -> None:
        self.shapes.cancel()
        super().done(result)

    def accept(self) -> None:
        if self.conversion is None or not self.conversion.values:
            return
        values = self.conversion.values
        count = len(values)
        text = f"Import {count} example{'s' if count != 1 else ''}"
        at = len(self.dataset) if self.at is None else self.at
        self.stack.push(InsertRecordsCommand(self.dataset, at, values, text))
        self.imported = values
        super().accept()


class _CurrentPageStack(QStackedWidget):
    """Only as tall as the page shown: a stack asks for its tallest page's room, which left
    a gap the height of the paste box above the preview of a spreadsheet's few columns."""

    def __init__(self) -> None:
        super().__init__()
        self.currentChanged.connect(self.updateGeometry)

    def sizeHint(self) -> QSize:
        page = self.currentWidget()
        return page.sizeHint() if page is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        page = self.currentWidget()
        return page.minimumSizeHint() if page is not None else super().minimumSizeHint()


def _preview_cells(value: Any) -> tuple[str, str, str]:
    cells: dict[str, list[str]] = {"system": [], "user": [], "assistant": []}
    lists = (
        edits.CHAT_LIST,
        edits.PROMPT_LIST,
        edits.PREFERRED_LIST,
    )  # a preference pair: its chosen reply
    messages = [m for path in lists for m in edits.message_list(value, path)]
    for message in messages:
        role = message.get("role") if isinstance(message, dict) else None
        if role in cells:
            cells[role].append(edits.text_of(message))
    return tuple("\n—\n".join(cells[r]) for r in ("system", "user", "assistant"))  # type: ignore[return-value]


def run_import(
    parent: QWidget | None,
    dataset: Dataset,
    undo_stack: QUndoStack,
    at: int | None = None,
    *,
    pools: TaskRunner | None = None,
) -> Conversion | None:
    """Show the dialog; returns what was imported (values and notes), or None when cancelled.

    The examples are inserted at record index `at` (at the end when None), as one undo step.
    """
    dialog = ImportDialog(dataset, undo_stack, parent, at, pools=pools)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.conversion is None:
        return None
    return dialog.conversion
