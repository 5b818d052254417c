"""The window's files and documents: new, open (a file, a template, the sample, a recovery copy),
recent files, save, save as, close, import and export, and the "save the changes?" question.

`FileActions` is a controller: it receives the window (the frame that shows a document: its
`new_document`, `set_document` and title), the window's parts, the shown document, the selection,
the recent-files store and the worker pools.

Save dialogs start in the user's documents folder (QStandardPaths) unless the dataset already has
a place; the title follows the content (see MainWindow.display_name).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from desktop_app.core.dataset import recovery
from desktop_app.core.dataset.review import sidecar_path
from desktop_app.core.dataset.templates import Template, sample_path
from desktop_app.core.errors import UserFacingError
from desktop_app.ui.errors import show_error
from desktop_app.ui.places import documents_folder
from desktop_app.ui.window_parts import Selection, Shown, WindowParts

if TYPE_CHECKING:
    from desktop_app.qt.tasks import TaskRunner
    from desktop_app.qt.ui_state import UiState
    from desktop_app.ui.main_window import MainWindow

APP_TITLE = "Finetune Studio"
FILE_FILTER = "Datasets (*.jsonl *.json *.txt);;All files (*)"
LARGE_FILE_NOTICE = 100 * 1024 * 1024


class FileActions(QObject):
    """File menu actions and the documents' comings and goings for one main window."""

    def __init__(
        self,
        window: MainWindow,
        parts: WindowParts,
        shown: Shown,
        selection: Selection,
        ui_state: UiState,
        pools: TaskRunner,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.parts = parts
        self.shown = shown
        self.selection = selection
        self.ui_state = ui_state
        self.pools = pools
        self._select_when_loaded: int | None = None

    # ---- documents ----------------------------------------------------------------------
    def open_path(self, path: Path | str, select: int | None = None) -> None:
        """Open a file (asks about unsaved changes first); `select`: the example to show once
        it is read (the last session's selection)."""
        path = Path(path)
        if not self.maybe_save():
            return
        document = self.window.new_document()
        self.window.set_document(document)
        self._select_when_loaded = select
        self.parts.say(f"Opening “{path.name}”…")
        document.start_loading(path)

    def open_template(self, template: Template) -> None:
        if not self.maybe_save():
            return
        document = self.window.new_document(template.data())
        self.window.set_document(
            document, name=f"Untitled ({template.title.lower()})", only_while_empty=True
        )
        document.start_checking()
        self.parts.say(template_note(template))
        self.parts.examples_pane.move_current(1)

    def open_sample(self) -> None:
        """The bundled sample, as an untitled copy (saving asks where)."""
        document = self.window.new_document(sample_path().read_bytes())
        self.window.set_document(document, name="Sample — Larkspur brand voice")
        document.start_checking()
        self.parts.say(
            "This is a sample dataset with a few deliberate problems. Press F8 to visit them."
        )
        self.parts.examples_pane.move_current(1)

    def restore_recovery(self, info: recovery.RecoveryInfo) -> bool:
        try:
            recovered = recovery.read_recovery(info.file)
        except UserFacingError as error:
            show_error(self.window, error)
            return False
        document = self.window.new_document(recovered.data, recovered.original_path)
        document.suggested_path = recovered.suggested_path  # a repaired file keeps its new name
        named = recovered.original_path or recovered.suggested_path
        self.window.set_document(document, name=None if named else "Recovered dataset")
        document.load_review(recovered.review)
        document.mark_never_saved()
        document.start_checking()
        recovery.discard(info.file)  # the new document writes its own copy from now on
        self.parts.say(RESTORED)
        self.parts.examples_pane.move_current(1)  # the first example in the editor, as on opening
        return True

    def keep_for_later(self, path: Path) -> None:
        """A file asked for while unsaved work was restored instead (one document at a time):
        put it first in Open Recent and say so."""
        if not path.is_file():
            return
        self.ui_state.add_recent(path)
        self.parts.say(f"{RESTORED} “{path.name}” is first in File ▸ Open Recent.")

    @Slot()
    def close_document(self) -> None:
        if not self.maybe_save():
            return
        self.window.set_document(self.window.new_document())
        self.parts.say("")

    @Slot()
    def new_dataset(self) -> None:
        from desktop_app.ui.dialogs.new_dataset import NewDatasetDialog

        dialog = NewDatasetDialog(self.window)
        if dialog.exec():
            self.open_template(dialog.chosen())

    @Slot()
    def on_loaded(self) -> None:
        document = self.shown.document
        assert document is not None and document.path is not None
        self.ui_state.add_recent(document.path)
        size = document.analysis.file_bytes or 0
        note = ""
        if size > LARGE_FILE_NOTICE:
            note = f" It is a large file ({size / 1048576:,.0f} MB); checks run in the background."
        self.parts.say(f"Opened “{document.path.name}”.{note}")
        self.window.update_title()
        select, self._select_when_loaded = self._select_when_loaded, None
        if select is not None and 0 <= select < len(document.dataset):
            self.parts.examples_pane.select_record(select)

    @Slot(object)
    def on_load_failed(self, error: object) -> None:
        # never keep a half-read file open: saving it would lose the rest of the file
        self.window.set_document(self.window.new_document())
        if error is None:
            self.parts.say("Opening was cancelled.")
            return
        self.parts.say("The file could not be opened.")
        show_error(
            self.window, error if isinstance(error, BaseException) else Exception(str(error))
        )

    # ---- asking -------------------------------------------------------------------------
    def maybe_save(self) -> bool:
        """Ask about unsaved changes: True to go on (saved or discarded), False to stay."""
        window, document = self.window, self.shown.document
        if document is None or not document.is_modified or document.loading:
            return True
        box = QMessageBox(window)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(APP_TITLE)
        box.setText(f"Save the changes to “{window.display_name()}”?")
        box.setInformativeText("If you don't save, your changes will be lost.")
        box.setStandardButtons(
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel
        )
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        box.setObjectName("save-changes-box")
        answer = box.exec()
        if answer == QMessageBox.StandardButton.Cancel:
            return False
        if answer == QMessageBox.StandardButton.Discard:
            return True
        path = document.path or self.ask_save_path()
        if path is None:
            return False
        try:
            document.save_now(path)
        except UserFacingError as error:
            show_error(window, error)
            return False
        self.ui_state.add_recent(path)
        return True

    def ask_save_path(self) -> Path | None:
        document = self.shown.document
        if document is not None and document.path is not None:
            start = document.path
        else:
            start = documents_folder() / f"{_file_stem(self.window.display_name())}.jsonl"
            if document is not None and document.suggested_path is not None:
                start = document.suggested_path  # beside a repaired file
        name, _ = QFileDialog.getSaveFileName(
            self.window, "Save dataset as", str(start), FILE_FILTER
        )
        if not name:
            return None
        path = Path(name)
        return path if path.suffix else path.with_suffix(".jsonl")

    # ---- opening ------------------------------------------------------------------------
    @Slot()
    def open_dialog(self) -> None:
        document = self.shown.document
        start = document.path.parent if document and document.path else documents_folder()
        name, _ = QFileDialog.getOpenFileName(self.window, "Open dataset", str(start), FILE_FILTER)
        if name:
            self.open_path(Path(name))

    def fill_recent_menu(self, menu: QMenu) -> None:
        ui_state = self.ui_state
        menu.clear()
        recent = ui_state.recent_files()
        if not recent:
            empty = menu.addAction("No recent files")
            empty.setEnabled(False)
            return
        for number, path in enumerate(recent, start=1):
            action = menu.addAction(f"&{number % 10} {path.name}")
            action.setToolTip(str(path))
            action.setStatusTip(str(path))
            action.triggered.connect(lambda _=False, p=path: self.open_recent(p))
        menu.addSeparator()
        menu.addAction("Clear List", ui_state.clear_recent)

    def open_recent(self, path: Path) -> None:
        if not path.exists():
            self.ui_state.remove_recent(path)
            show_error(
                self.window,
                UserFacingError(
                    f"“{path.name}” is no longer where it was ({path.parent}).",
                    "It was removed from the recent files. Use Open to find it.",
                ),
            )
            return
        self.open_path(path)

    # ---- saving -------------------------------------------------------------------------
    @Slot()
    def save(self) -> bool:
        document = self.shown.document
        if document is None or document.loading:
            return False
        if document.path is None:
            return self.save_as()
        document.save(document.path)
        self.parts.say(f"Saving “{document.path.name}”…")
        return True

    @Slot()
    def save_as(self) -> bool:
        document = self.shown.document
        if document is None or document.loading:
            return False
        path = self.ask_save_path()
        if path is None:
            return False
        document.save(path)
        self.parts.say(f"Saving “{path.name}”…")
        return True

    @Slot(object)
    def on_saved(self, path: object) -> None:
        assert isinstance(path, Path)
        window = self.window
        window.display_name_override = None
        self.ui_state.add_recent(path)
        window.update_title()
        self.parts.say(f"Saved “{path.name}”. Review notes are in {sidecar_path(path).name}.")

    @Slot(object)
    def on_save_failed(self, error: object) -> None:
        self.parts.say("The dataset was not saved. Your edits are kept.")
        show_error(
            self.window, error if isinstance(error, BaseException) else Exception(str(error))
        )

    # ---- import and export --------------------------------------------------------------
    @Slot()
    def import_examples(self) -> None:
        from desktop_app.ui.dialogs import import_dialog

        document = self.shown.ready()
        if document is None:
            return
        at = self.selection.insert_position(len(document.dataset))
        done = import_dialog.run_import(
            self.window, document.dataset, document.undo_stack, at, pools=self.pools
        )
        if done is None or not done.values:
            return
        count = len(done.values)
        self.parts.examples_pane.select_record(at)  # the first one brought in, in the editor
        what = f"{count:,} example{'s' if count != 1 else ''}"
        self.parts.say(f"Imported {what}, from example {at + 1} on. Undo takes them out again.")

    @Slot()
    def export_training(self) -> None:
        from desktop_app.ui.dialogs import export_dialog

        document = self.shown.ready()
        if document is None:
            return
        export_dialog.run_export(
            self.window,
            document.dataset,
            self.selection.selected(),
            document.analysis.error_count,
        )

    @Slot()
    def export_for(self) -> None:
        from desktop_app.ui.dialogs import export_for

        document = self.shown.document
        if document is None or document.loading:
            return
        export_for.run_export_for(self.window, document.dataset, self.pools)


RESTORED = "Restored your unsaved work. Save it to keep it."


def _file_stem(name: str) -> str:
    """A file name from a display name: "Sample — Larkspur brand voice" → "Larkspur brand voice"."""
    stem = name.split(" — ")[-1].strip() or "dataset"
    if stem.lower().startswith("untitled"):
        return "dataset"
    return "".join(c for c in stem if c not in '\\/:*?"<>|').strip() or "dataset"


def template_note(template: Template) -> str:
    """What the status bar says when a dataset starts from a template."""
    from desktop_app.core.checks import placeholders  # the checks load after the first paint

    if not template.data().strip():
        return "A new, empty dataset. Click Add Example to write the first one."
    note = f"A new dataset from the “{template.title}” template."
    if placeholders.find(template.data().decode("utf-8")):
        note += " Replace the words in [brackets]: F8 finds them."
    return note
