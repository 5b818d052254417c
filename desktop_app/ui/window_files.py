"""The window's file work: open, recent files, save, save as, import and export, and the "save
the changes?" question. A controller with explicit inputs (the window it serves), kept out of
main_window.py so the window stays about showing one document.

Save dialogs start in the user's documents folder (QStandardPaths) unless the dataset already has
a place; the title follows the content (see MainWindow._display_name).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QFileDialog, QMessageBox

from desktop_app.core.errors import UserFacingError
from desktop_app.core.review import sidecar_path
from desktop_app.ui.errors import show_error
from desktop_app.ui.places import documents_folder

APP_TITLE = "Finetune Studio"
FILE_FILTER = "Datasets (*.jsonl *.json *.txt);;All files (*)"


class FileActions(QObject):
    """File menu actions for one main window (`window`: its document, status label, ui_state)."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window

    # ---- asking -------------------------------------------------------------------------
    def maybe_save(self) -> bool:
        """Ask about unsaved changes: True to go on (saved or discarded), False to stay."""
        window, document = self.window, self.window.document
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
        window.ui_state.add_recent(path)
        return True

    def ask_save_path(self) -> Path | None:
        document = self.window.document
        if document is not None and document.path is not None:
            start = document.path
        else:
            start = documents_folder() / f"{_file_stem(self.window.display_name())}.jsonl"
        start = getattr(document, "suggested_path", None) or start  # beside a repaired file
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
        document = self.window.document
        start = document.path.parent if document and document.path else documents_folder()
        name, _ = QFileDialog.getOpenFileName(self.window, "Open dataset", str(start), FILE_FILTER)
        if name:
            self.window.open_path(Path(name))

    def fill_recent_menu(self) -> None:
        menu, ui_state = self.window.recent_menu, self.window.ui_state
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
            self.window.ui_state.remove_recent(path)
            show_error(
                self.window,
                UserFacingError(
                    f"“{path.name}” is no longer where it was ({path.parent}).",
                    "It was removed from the recent files. Use Open to find it.",
                ),
            )
            return
        self.window.open_path(path)

    # ---- saving -------------------------------------------------------------------------
    @Slot()
    def save(self) -> bool:
        document = self.window.document
        if document is None or document.loading:
            return False
        if document.path is None:
            return self.save_as()
        document.save(document.path)
        self.window.status_label.setText(f"Saving “{document.path.name}”…")
        return True

    @Slot()
    def save_as(self) -> bool:
        document = self.window.document
        if document is None or document.loading:
            return False
        path = self.ask_save_path()
        if path is None:
            return False
        document.save(path)
        self.window.status_label.setText(f"Saving “{path.name}”…")
        return True

    @Slot(object)
    def on_saved(self, path: object) -> None:
        assert isinstance(path, Path)
        window = self.window
        window.display_name_override = None
        window.ui_state.add_recent(path)
        window.update_title()
        window.status_label.setText(
            f"Saved “{path.name}”. Review notes are in {sidecar_path(path).name}."
        )

    @Slot(object)
    def on_save_failed(self, error: object) -> None:
        self.window.status_label.setText("The dataset was not saved. Your edits are kept.")
        show_error(
            self.window, error if isinstance(error, BaseException) else Exception(str(error))
        )

    # ---- import and export --------------------------------------------------------------
    @Slot()
    def import_examples(self) -> None:
        from desktop_app.ui.dialogs import import_dialog

        window, document = self.window, self.window.document
        if document is None or document.loading:
            return
        at = window._insert_position()
        import_dialog.run_import(window, document.dataset, document.undo_stack, at)

    @Slot()
    def export_training(self) -> None:
        from desktop_app.ui.dialogs import export_dialog

        window, document = self.window, self.window.document
        if document is None or document.loading:
            return
        export_dialog.run_export(
            window,
            document.dataset,
            window.examples_pane.selected_records(),
            document.analysis.error_count,
        )

    @Slot()
    def export_for(self) -> None:
        from desktop_app.ui.dialogs import export_for

        document = self.window.document
        if document is None or document.loading:
            return
        export_for.run_export_for(self.window, document.dataset, self.window.pools)


def _file_stem(name: str) -> str:
    """A file name from a display name: "Sample — Larkspur brand voice" → "Larkspur brand voice"."""
    stem = name.split(" — ")[-1].strip() or "dataset"
    if stem.lower().startswith("untitled"):
        return "dataset"
    return "".join(c for c in stem if c not in '\\/:*?"<>|').strip() or "dataset"
