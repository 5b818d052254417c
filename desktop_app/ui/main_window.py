"""The main window: examples on the left, the example editor in the middle, problems and the
overview on the right; menus, shortcuts, status bar; one open document at a time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QUndoGroup,
)
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTabWidget,
    QWidget,
)

from desktop_app.core.errors import UserFacingError
from desktop_app.qt import gc_guard
from desktop_app.ui import theme
from desktop_app.ui.icons import clear_cache, icon, icon_set

FIRST_EXAMPLE_DELAY_MS = 40  # after the first rows of a file appear, the first example shows

if TYPE_CHECKING:
    from desktop_app.core.settings import Preferences
    from desktop_app.core.templates import Template
    from desktop_app.qt.analysis_store import TokenCounts
    from desktop_app.qt.document import Document
    from desktop_app.qt.examples_model import ExamplesModel
    from desktop_app.qt.problems_model import ProblemsModel
    from desktop_app.qt.ui_state import UiState
    from desktop_app.qt.workers import WorkerPools


def _import_parts() -> None:
    """Import the window's heavy parts (editor, panes, models, commands).

    Called when the window is completed, i.e. after its first paint, so starting the app shows a
    window as fast as a bare Qt window would; the names become this module's globals.
    """
    global recovery, Record, Problem, ReviewStatus, sidecar_path, save_preferences, sample_path
    global InsertRecordsCommand, RemoveRecordsCommand, SetReviewCommand
    global SetReviewEntriesCommand, SetValueCommand, bulk_macro
    global Document, ExamplesModel, ProblemsModel, ExampleEditor, show_error
    global ExamplesPane, OverviewPane, ProblemsPane, Qt
    from PySide6.QtCore import Qt  # the Qt.* enums: about 45 ms, so after the first paint

    from desktop_app.core import recovery
    from desktop_app.core.dataset import Record
    from desktop_app.core.problems import Problem
    from desktop_app.core.review import ReviewStatus, sidecar_path
    from desktop_app.core.settings import save_preferences
    from desktop_app.core.templates import sample_path
    from desktop_app.qt.commands import (
        InsertRecordsCommand,
        RemoveRecordsCommand,
        SetReviewCommand,
        SetReviewEntriesCommand,
        SetValueCommand,
        bulk_macro,
    )
    from desktop_app.qt.document import Document
    from desktop_app.qt.examples_model import ExamplesModel
    from desktop_app.qt.problems_model import ProblemsModel
    from desktop_app.ui.editor.example_editor import ExampleEditor
    from desktop_app.ui.errors import show_error
    from desktop_app.ui.panes.examples_pane import ExamplesPane
    from desktop_app.ui.panes.overview_pane import OverviewPane
    from desktop_app.ui.panes.problems_pane import ProblemsPane


log = logging.getLogger(__name__)

APP_TITLE = "Finetune Studio"
FILE_FILTER = "Datasets (*.jsonl *.json *.txt);;All files (*)"
LARGE_FILE_NOTICE = 100 * 1024 * 1024
_MODEL_ICONS = (
    "severity-error",
    "severity-warning",
    "severity-info",
    "review-draft",
    "review-needs-work",
    "review-approved",
)


@dataclass
class Services:
    """What the window needs from the composition root (desktop_app/app.py)."""

    pools: WorkerPools
    prefs: Preferences
    ui_state: UiState
    persist_prefs: bool = True


class MainWindow(QMainWindow):
    """One window, one document."""

    document_changed = Signal()

    def __init__(
        self, services: Services, parent: QWidget | None = None, *, deferred: bool = False
    ) -> None:
        """With `deferred`, only the frame is built; `complete()` (after the first paint) adds
        the panes, menus and an empty document."""
        super().__init__(parent)
        self.services = services
        self.pools = services.pools
        self.prefs = services.prefs
        self.ui_state = services.ui_state
        self.document: Document | None = None
        self.examples_model: ExamplesModel | None = None
        self.problems_model: ProblemsModel | None = None
        self.display_name_override: str | None = None
        self._closing = False
        self.completed = False
        self.undo_group = QUndoGroup(self)
        self.setObjectName("main-window")
        self.setWindowTitle(APP_TITLE)
        self.setWindowIcon(icon("finetune-studio"))
        self.setAcceptDrops(True)
        self._build_status_bar()
        geometry = self.ui_state.load_bytes("geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1400, 860)
        if not deferred:
            self.complete()
        else:
            self.status_label.setText("Starting…")

    def complete(self) -> None:
        """Build the panes, actions and menus, and show an empty document."""
        if self.completed:
            return
        _import_parts()
        self._build_panes()
        self._build_actions()
        self._build_menus()
        self._restore_layout()
        from desktop_app.ui.window_extras import install_extras

        self.extras = install_extras(self)  # Training and Try menus, welcome, tour
        self.follow_system_scheme()
        self.completed = True
        self.status_label.setText("")
        self.set_document(self._new_document())
        QTimer.singleShot(0, self.editor.warm_up)

    # ---- building ------------------------------------------------------------------------
    def _build_panes(self) -> None:
        self.examples_pane = ExamplesPane(self)
        self.examples_pane.current_record_changed.connect(self._on_current_record)
        self.examples_pane.selection_changed.connect(self._update_actions)
        self.editor = ExampleEditor(self)
        self.editor.setAccessibleName("Example editor")
        self.problems_pane = ProblemsPane(self)
        self.problems_pane.problem_activated.connect(self.go_to_problem)
        self.problems_pane.fix_requested.connect(self.apply_quick_fix)
        self.overview_pane = OverviewPane(
            self.prefs.model, self.prefs.epochs, self, provider=self.prefs.provider
        )
        self.overview_pane.model_changed.connect(self._on_model_changed)
        self.overview_pane.provider_changed.connect(self._on_provider_changed)
        self.overview_pane.epochs_changed.connect(self._on_epochs_changed)
        self.side_tabs = QTabWidget(self)
        self.side_tabs.setAccessibleName("Problems and overview")
        self.side_tabs.addTab(self.problems_pane, icon("severity-warning"), "Problems")
        self.side_tabs.addTab(self.overview_pane, icon("status-ok"), "Overview")
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("main-splitter")
        self.splitter.addWidget(self.examples_pane)
        self.splitter.addWidget(self.editor)
        self.splitter.addWidget(self.side_tabs)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setStretchFactor(2, 3)
        self.splitter.setSizes([600, 460, 340])
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.status_label = QLabel(self)
        self.status_label.setAccessibleName("Status")
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName("Progress")
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setAccessibleName("Cancel opening or checking")
        self.cancel_button.setToolTip("Stop opening or checking the file")
        self.cancel_button.clicked.connect(self.cancel_background)
        self.cancel_button.hide()
        self._progress_percent = -1
        self._counts_timer = QTimer(self)
        self._counts_timer.setSingleShot(True)
        self._counts_timer.setInterval(200)
        self._counts_timer.timeout.connect(self._update_counts)
        self.counts_label = QLabel(self)
        self.counts_label.setAccessibleName("Dataset counts")
        bar.addWidget(self.status_label, 1)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel_button)
        bar.addPermanentWidget(self.counts_label)

    def _action(
        self,
        text: str,
        slot: object,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        icon_name: str | None = None,
        tip: str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if icon_name:
            action.setIcon(icon(icon_name))
            self._icon_names[action] = icon_name
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self._icon_names: dict[QAction, str] = {}
        K = QKeySequence.StandardKey
        a = self._action
        self.act_new = a("&New…", self.new_dataset, K.New, "document-new", "Start a new dataset")
        self.act_open = a("&Open…", self.open_dialog, K.Open, "document-open", "Open a dataset")
        self.act_save = a("&Save", self.save, K.Save, "document-save", "Save the dataset")
        self.act_save_as = a("Save &As…", self.save_as, K.SaveAs, None, "Save under a new name")
        self.act_import = a(
            "&Import…",
            self.import_examples,
            "Ctrl+I",
            "import",
            "Add examples from a spreadsheet, old-style JSONL, a script or pasted text",
        )
        self.act_export = a(
            "&Export Training Files…",
            self.export_training,
            "Ctrl+E",
            "export",
            "Write training and validation files, without your review notes",
        )
        self.act_export_for = a(
            "Export &For…",
            self.export_for,
            None,
            "export",
            "Write a ready-to-run folder for a trainer on your own computer",
        )
        self.act_close = a("&Close", self.close_document, K.Close, None, "Close this dataset")
        self.act_quit = a("&Quit", self.close, K.Quit, None, "Quit Finetune Studio")
        self.act_quit.setMenuRole(QAction.MenuRole.QuitRole)

        self.act_undo = self.undo_group.createUndoAction(self, "&Undo")
        self.act_undo.setShortcut(QKeySequence(K.Undo))
        self.act_undo.setIcon(icon("edit-undo"))
        self._icon_names[self.act_undo] = "edit-undo"
        self.act_redo = self.undo_group.createRedoAction(self, "&Redo")
        self.act_redo.setShortcut(QKeySequence(K.Redo))
        self.act_redo.setIcon(icon("edit-redo"))
        self._icon_names[self.act_redo] = "edit-redo"
        self.addAction(self.act_undo)
        self.addAction(self.act_redo)

        self.act_add = a(
            "&Add Example",
            self.add_example,
            "Ctrl+Shift+N",
            "list-add",
            "Add a new example after the current one",
        )
        self.act_duplicate = a(
            "D&uplicate",
            self.duplicate_selected,
            "Ctrl+D",
            "edit-copy",
            "Duplicate the selected examples",
        )
        self.act_delete = a(
            "&Delete",
            self.delete_selected,
            K.Delete,
            "list-remove",
            "Delete the selected examples",
        )
        # Delete only acts in the examples table, so it never steals the key from a text box
        self.act_delete.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.removeAction(self.act_delete)
        self.examples_pane.table.addAction(self.act_delete)
        self.status_actions: dict[ReviewStatus, QAction] = {}
        for number, status in enumerate(ReviewStatus, start=1):
            self.status_actions[status] = a(
                f"Mark as {status.label}",
                lambda _=False, s=status: self.set_status(s),
                f"Alt+{number}",
                "review-" + status.value.replace("_", "-"),
                f"Set the review status of the selected examples to “{status.label}”",
            )
        self.act_add_tag = a("Add &Tag…", self.add_tag, "Ctrl+T", "tag", "Tag the selection")
        self.act_remove_tag = a(
            "Remove Ta&g…", self.remove_tag, "Ctrl+Shift+T", None, "Remove a tag from the selection"
        )
        self.act_note = a(
            "Review &Note…",
            self.edit_note,
            "Ctrl+Shift+M",
            None,
            "Write a note about this example (kept beside the file, never trained on)",
        )
        self.act_system_prompt = a(
            "Set &System Prompt…",
            self.set_system_prompt,
            None,
            "message-system",
            "Set or replace the system prompt of the selection or the whole dataset",
        )
        self.act_find_replace = a(
            "&Find and Replace…",
            self.find_replace,
            K.Replace,
            "search",
            "Replace text in the selection or the whole dataset",
        )

        self.act_next = a(
            "&Next Example", lambda: self.examples_pane.move_current(1), "Ctrl+Down", "go-down"
        )
        self.act_previous = a(
            "&Previous Example", lambda: self.examples_pane.move_current(-1), "Ctrl+Up", "go-up"
        )
        self.act_next_problem = a(
            "Next P&roblem",
            lambda: self.step_problem(1),
            "F8",
            "severity-warning",
            "Go to the next problem",
        )
        self.act_previous_problem = a(
            "Previous Pro&blem",
            lambda: self.step_problem(-1),
            "Shift+F8",
            None,
            "Go to the previous problem",
        )
        self.act_find = a(
            "&Filter Examples",
            lambda: self.examples_pane.focus_filter(),
            K.Find,
            "filter",
            "Type to show only matching examples",
        )
        self.act_go_examples = a("Go to &Examples", self.focus_examples, "Ctrl+1")
        self.act_go_editor = a("Go to E&ditor", self.focus_editor, "Ctrl+2")
        self.act_go_problems = a("Go to Pro&blems", self.focus_problems, "Ctrl+3")
        self.act_only_errors = a(
            "Show Only Examples with &Errors",
            lambda: self.examples_pane.set_problem_filter("errors"),
            "Ctrl+Shift+E",
        )
        self.act_clear_filters = a(
            "&Show All Examples", lambda: self.examples_pane.clear_filters(), "Ctrl+Shift+A"
        )
        self.theme_group = QActionGroup(self)
        self.theme_actions: dict[str, QAction] = {}
        for name, label in (("system", "Follow System"), ("light", "Light"), ("dark", "Dark")):
            action = QAction(label, self, checkable=True)
            action.setChecked(self.prefs.theme == name)
            action.triggered.connect(lambda _=False, n=name: self.set_theme(n))
            self.theme_group.addAction(action)
            self.theme_actions[name] = action
        self.act_shortcuts = a("&Keyboard Shortcuts", self.show_shortcuts, K.HelpContents, "help")
        self.act_about = a("&About Finetune Studio", self.show_about)
        self.act_about.setMenuRole(QAction.MenuRole.AboutRole)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.act_new)
        file_menu.addAction(self.act_open)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        file_menu.addAction(self.act_save)
        file_menu.addAction(self.act_save_as)
        file_menu.addSeparator()
        file_menu.addAction(self.act_import)
        file_menu.addAction(self.act_export)
        file_menu.addAction(self.act_export_for)
        file_menu.addSeparator()
        file_menu.addAction(self.act_close)
        file_menu.addAction(self.act_quit)

        edit = bar.addMenu("&Edit")
        edit.addAction(self.act_undo)
        edit.addAction(self.act_redo)
        edit.addSeparator()
        edit.addAction(self.act_add)
        edit.addAction(self.act_duplicate)
        edit.addAction(self.act_delete)
        edit.addSeparator()
        status_menu = edit.addMenu(icon("review-approved"), "Review &Status")
        for action in self.status_actions.values():
            status_menu.addAction(action)
        edit.addAction(self.act_add_tag)
        edit.addAction(self.act_remove_tag)
        edit.addAction(self.act_note)
        edit.addSeparator()
        edit.addAction(self.act_system_prompt)
        edit.addAction(self.act_find_replace)

        view = bar.addMenu("&View")
        view.addAction(self.act_next)
        view.addAction(self.act_previous)
        view.addAction(self.act_next_problem)
        view.addAction(self.act_previous_problem)
        view.addSeparator()
        view.addAction(self.act_find)
        view.addAction(self.act_only_errors)
        view.addAction(self.act_clear_filters)
        view.addSeparator()
        view.addAction(self.act_go_examples)
        view.addAction(self.act_go_editor)
        view.addAction(self.act_go_problems)
        view.addSeparator()
        theme_menu = view.addMenu("&Appearance")
        for action in self.theme_actions.values():
            theme_menu.addAction(action)

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.act_shortcuts)
        help_menu.addAction(self.act_about)

        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.act_new, self.act_open, self.act_save):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(self.act_undo)
        toolbar.addAction(self.act_redo)
        toolbar.addSeparator()
        toolbar.addAction(self.act_add)
        toolbar.addAction(self.act_import)
        toolbar.addAction(self.act_export)
        toolbar.addSeparator()
        toolbar.addAction(self.act_next_problem)

    # ---- layout memory -------------------------------------------------------------------
    def _restore_layout(self) -> None:
        state = self.ui_state.load_bytes("window_state")
        if state is not None:
            self.restoreState(state)
        splitter = self.ui_state.load_bytes("splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        # applied by the pane once the table has columns (set_document)
        self.examples_pane.saved_header_state = self.ui_state.load_bytes("examples_header")

    def save_layout(self) -> None:
        self.ui_state.save_bytes("geometry", self.saveGeometry())
        self.ui_state.save_bytes("window_state", self.saveState())
        self.ui_state.save_bytes("splitter", self.splitter.saveState())
        self.ui_state.save_bytes(
            "examples_header", self.examples_pane.table.horizontalHeader().saveState()
        )
        self.ui_state.sync()

    # ---- documents -----------------------------------------------------------------------
    def _new_document(self, data: bytes | None = None, path: Path | None = None) -> Document:
        kwargs = {
            "model": self.prefs.model,
            "provider": self.prefs.provider,
            "autosave_seconds": self.prefs.autosave_seconds,
            "parent": self,
        }
        if data is None:
            return Document(self.pools, **kwargs)  # type: ignore[arg-type]
        return Document.from_bytes(self.pools, data, path=path, **kwargs)  # type: ignore[arg-type]

    def set_document(self, document: Document, *, name: str | None = None) -> None:
        """Show `document` (the previous one is closed; ask before calling this)."""
        old = self.document
        self.display_name_override = name
        if old is not None:
            self._detach(old)
        self.document = document
        icons = icon_set(_MODEL_ICONS)
        self.examples_model = ExamplesModel(
            document.dataset, document.analysis, document.review, icons, self
        )
        self.problems_model = ProblemsModel(document.analysis, icons, self)
        self.examples_pane.set_model(self.examples_model, document.search)
        self.problems_pane.set_model(self.problems_model)
        self.overview_pane.set_analysis(document.analysis, document.review)
        self.editor.set_context(document.dataset, document.undo_stack, self._token_counter)
        self.undo_group.addStack(document.undo_stack)
        self.undo_group.setActiveStack(document.undo_stack)
        document.modified_changed.connect(self._update_title)
        document.path_changed.connect(self._update_title)
        document.loading_changed.connect(self._on_loading_changed)
        document.load_progress.connect(self._on_load_progress)
        document.loaded.connect(self._on_loaded)
        document.load_failed.connect(self._on_load_failed)
        document.saved.connect(self._on_saved)
        document.save_failed.connect(self._on_save_failed)
        document.analysis.progress_changed.connect(self._on_check_progress)
        document.analysis.checking_changed.connect(self._on_checking_changed)
        document.analysis.counts_changed.connect(self._schedule_counts)
        document.undo_stack.indexChanged.connect(self._update_actions)
        self._update_title()
        self._update_actions()
        self._update_counts()
        self.document_changed.emit()
        if old is not None:
            old.deleteLater()

    def _detach(self, document: Document) -> None:
        document.close()
        self.undo_group.removeStack(document.undo_stack)
        self.examples_pane.set_model(None)
        self.problems_pane.set_model(None)
        self.overview_pane.set_analysis(None)
        if self.examples_model is not None:
            self.examples_model.detach()
            self.examples_model.deleteLater()
        if self.problems_model is not None:
            self.problems_model.detach()
            self.problems_model.deleteLater()
        self.examples_model = self.problems_model = None
        gc_guard.thaw()  # its cycles (stores, models, callbacks) become collectable

    def _token_counter(self) -> TokenCounts | None:
        return self.document.analysis.counter() if self.document else None

    def open_path(self, path: Path | str) -> None:
        """Open a file (asks about unsaved changes first)."""
        path = Path(path)
        if not self.maybe_save():
            return
        document = self._new_document()
        self.set_document(document)
        self.status_label.setText(f"Opening “{path.name}”…")
        document.start_loading(path)

    def open_template(self, template: Template) -> None:
        if not self.maybe_save():
            return
        document = self._new_document(template.data())
        self.set_document(document, name=f"Untitled ({template.title.lower()})")
        document.start_checking()
        self.examples_pane.move_current(1)

    def open_sample(self) -> None:
        """The bundled sample, as an untitled copy (saving asks where)."""
        document = self._new_document(sample_path().read_bytes())
        self.set_document(document, name="Sample — Larkspur brand voice")
        document.start_checking()
        self.status_label.setText(
            "This is a sample dataset with a few deliberate problems. Press F8 to visit them."
        )
        self.examples_pane.move_current(1)

    def restore_recovery(self, info: recovery.RecoveryInfo) -> bool:
        try:
            recovered = recovery.read_recovery(info.file)
        except UserFacingError as error:
            show_error(self, error)
            return False
        document = self._new_document(recovered.data, recovered.original_path)
        self.set_document(document, name=None if recovered.original_path else "Recovered dataset")
        document.load_review(recovered.review)
        document.mark_never_saved()
        document.start_checking()
        recovery.discard(info.file)  # the new document writes its own copy from now on
        self.status_label.setText("Restored your unsaved work. Save it to keep it.")
        return True

    @Slot()
    def close_document(self) -> None:
        if not self.maybe_save():
            return
        self.set_document(self._new_document())
        self.status_label.setText("")

    def maybe_save(self) -> bool:
        """Ask about unsaved changes: True to go on (saved or discarded), False to stay."""
        document = self.document
        if document is None or not document.is_modified or document.loading:
            return True
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(APP_TITLE)
        box.setText(f"Save the changes to “{self._display_name()}”?")
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
        path = document.path
        if path is None:
            path = self._ask_save_path()
            if path is None:
                return False
        try:
            document.save_now(path)
        except UserFacingError as error:
            show_error(self, error)
            return False
        self._remember_recent(path)
        return True

    # ---- file actions --------------------------------------------------------------------
    @Slot()
    def new_dataset(self) -> None:
        from desktop_app.ui.dialogs.new_dataset import NewDatasetDialog

        dialog = NewDatasetDialog(self)
        if dialog.exec():
            self.open_template(dialog.chosen())

    @Slot()
    def open_dialog(self) -> None:
        start = str(self.document.path.parent) if self.document and self.document.path else ""
        name, _ = QFileDialog.getOpenFileName(self, "Open dataset", start, FILE_FILTER)
        if name:
            self.open_path(Path(name))

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.ui_state.recent_files()
        if not recent:
            empty = self.recent_menu.addAction("No recent files")
            empty.setEnabled(False)
            return
        for number, path in enumerate(recent, start=1):
            action = self.recent_menu.addAction(f"&{number % 10} {path.name}")
            action.setToolTip(str(path))
            action.setStatusTip(str(path))
            action.triggered.connect(lambda _=False, p=path: self._open_recent(p))
        self.recent_menu.addSeparator()
        self.recent_menu.addAction("Clear List", self.ui_state.clear_recent)

    def _open_recent(self, path: Path) -> None:
        if not path.exists():
            self.ui_state.remove_recent(path)
            show_error(
                self,
                UserFacingError(
                    f"“{path.name}” is no longer where it was ({path.parent}).",
                    "It was removed from the recent files. Use Open to find it.",
                ),
            )
            return
        self.open_path(path)

    @Slot()
    def save(self) -> bool:
        document = self.document
        if document is None or document.loading:
            return False
        if document.path is None:
            return self.save_as()
        document.save(document.path)
        self.status_label.setText(f"Saving “{document.path.name}”…")
        return True

    @Slot()
    def save_as(self) -> bool:
        document = self.document
        if document is None or document.loading:
            return False
        path = self._ask_save_path()
        if path is None:
            return False
        document.save(path)
        self.status_label.setText(f"Saving “{path.name}”…")
        return True

    def _ask_save_path(self) -> Path | None:
        document = self.document
        start = str(document.path) if document and document.path else "dataset.jsonl"
        name, _ = QFileDialog.getSaveFileName(self, "Save dataset as", start, FILE_FILTER)
        if not name:
            return None
        path = Path(name)
        return path if path.suffix else path.with_suffix(".jsonl")

    @Slot(object)
    def _on_saved(self, path: object) -> None:
        assert isinstance(path, Path)
        self.display_name_override = None
        self._remember_recent(path)
        self._update_title()
        self.status_label.setText(
            f"Saved “{path.name}”. Review notes are in {sidecar_path(path).name}."
        )

    @Slot(object)
    def _on_save_failed(self, error: object) -> None:
        self.status_label.setText("The dataset was not saved. Your edits are kept.")
        show_error(self, error if isinstance(error, BaseException) else Exception(str(error)))

    def _remember_recent(self, path: Path) -> None:
        self.ui_state.add_recent(path)

    @Slot()
    def import_examples(self) -> None:
        from desktop_app.ui.dialogs import import_dialog

        document = self.document
        if document is None or document.loading:
            return
        at = self._insert_position()
        import_dialog.run_import(self, document.dataset, document.undo_stack, at)

    @Slot()
    def export_training(self) -> None:
        from desktop_app.ui.dialogs import export_dialog

        document = self.document
        if document is None or document.loading:
            return
        export_dialog.run_export(
            self,
            document.dataset,
            self.examples_pane.selected_records(),
            document.analysis.error_count,
        )

    @Slot()
    def export_for(self) -> None:
        from desktop_app.ui.dialogs import export_for

        document = self.document
        if document is None or document.loading:
            return
        export_for.run_export_for(self, document.dataset, self.pools)

    # ---- edit actions --------------------------------------------------------------------
    def _targets(self) -> list[int]:
        """The selected examples, or the current one."""
        rows = self.examples_pane.selected_records()
        if not rows:
            current = self.examples_pane.current_record()
            rows = [current] if current is not None else []
        return rows

    def _push(self, command: object) -> None:
        assert self.document is not None
        self.document.undo_stack.push(command)  # type: ignore[arg-type]

    def _insert_position(self) -> int:
        assert self.document is not None
        rows = self._targets()
        return (max(rows) + 1) if rows else len(self.document.dataset)

    @Slot()
    def add_example(self) -> None:
        document = self.document
        if document is None or document.loading:
            return
        at = self._insert_position()
        system = _system_prompt_near(document, at - 1)
        messages = ([{"role": "system", "content": system}] if system else []) + [
            {"role": "user", "content": ""},
            {"role": "assistant", "content": ""},
        ]
        self._push(
            InsertRecordsCommand(document.dataset, at, [{"messages": messages}], "Add example")
        )
        self.examples_pane.select_record(at)
        self.editor.focus_message(1 if system else 0)

    @Slot()
    def duplicate_selected(self) -> None:
        document = self.document
        rows = self._targets()
        if document is None or not rows or document.loading:
            return
        dataset = document.dataset
        text = "Duplicate example" if len(rows) == 1 else f"Duplicate {len(rows)} examples"
        with bulk_macro(document.undo_stack, text):
            for row in sorted(rows, reverse=True):
                source = dataset[row]
                copy = Record(source.raw, dataset.ending, True)
                self._push(InsertRecordsCommand(dataset, row + 1, [copy], text))
        self.examples_pane.select_record(max(rows) + 1 + len(rows) - 1)

    @Slot()
    def delete_selected(self) -> None:
        document = self.document
        rows = self._targets()
        if document is None or not rows or document.loading:
            return
        text = "Delete example" if len(rows) == 1 else f"Delete {len(rows)} examples"
        self._push(RemoveRecordsCommand(document.dataset, rows, text))
        if len(document.dataset):
            self.examples_pane.select_record(min(min(rows), len(document.dataset) - 1))
        self.status_label.setText(f"{text.replace('Delete', 'Deleted')}. Undo brings it back.")

    def set_status(self, status: ReviewStatus) -> None:
        document = self.document
        rows = self._targets()
        if document is None or not rows:
            return
        text = f"Mark as {status.label}"
        self._push(SetReviewCommand(document.review, rows, "status", status, text))
        if len(rows) == 1 and status is ReviewStatus.APPROVED:
            self.examples_pane.move_current(1)  # approve and move on: review without the mouse

    @Slot()
    def add_tag(self) -> None:
        document = self.document
        rows = self._targets()
        if document is None or not rows:
            return
        tags = document.review.all_tags()
        tag, ok = QInputDialog.getItem(
            self, "Add tag", f"Tag for {_count(len(rows), 'example')}:", tags, 0, True
        )
        tag = tag.strip()
        if not ok or not tag:
            return
        entries = [e.with_tag(tag) for e in document.review.entries(rows)]
        self._push(SetReviewEntriesCommand(document.review, rows, entries, f"Add tag “{tag}”"))

    @Slot()
    def remove_tag(self) -> None:
        document = self.document
        rows = self._targets()
        if document is None or not rows:
            return
        present = sorted({t for e in document.review.entries(rows) for t in e.tags})
        if not present:
            self.status_label.setText("The selected examples have no tags.")
            return
        tag, ok = QInputDialog.getItem(self, "Remove tag", "Tag to remove:", present, 0, False)
        if not ok:
            return
        entries = [e.without_tag(tag) for e in document.review.entries(rows)]
        self._push(SetReviewEntriesCommand(document.review, rows, entries, f"Remove tag “{tag}”"))

    @Slot()
    def edit_note(self) -> None:
        document = self.document
        rows = self._targets()
        if document is None or not rows:
            return
        current = document.review.get(rows[0]).note
        note, ok = QInputDialog.getMultiLineText(
            self, "Review note", "Your note (never part of the training data):", current
        )
        if ok and note != current:
            self._push(SetReviewCommand(document.review, rows, "note", note.strip()))

    @Slot()
    def set_system_prompt(self) -> None:
        from desktop_app.ui.dialogs import system_prompt

        document = self.document
        if document is None or document.loading:
            return
        system_prompt.run_system_prompt(
            self, document.dataset, document.undo_stack, self.examples_pane.selected_records()
        )

    @Slot()
    def find_replace(self) -> None:
        from desktop_app.ui.dialogs import find_replace

        document = self.document
        if document is None or document.loading:
            return
        find_replace.run_find_replace(
            self, document.dataset, document.undo_stack, self.examples_pane.selected_records()
        )

    # ---- problems ------------------------------------------------------------------------
    @Slot(int, int)
    def go_to_problem(self, record: int, message: int) -> None:
        if record < 0:
            self.side_tabs.setCurrentWidget(self.overview_pane)
            return
        if self.examples_pane.select_record(record):
            self.editor.show_record(record)
            if message >= 0:
                self.editor.focus_message(message)

    def step_problem(self, delta: int) -> None:
        model = self.problems_model
        if model is None or model.rowCount() == 0:
            self.status_label.setText("No problems to visit.")
            return
        self.side_tabs.setCurrentWidget(self.problems_pane)
        current = self.problems_pane.table.currentIndex()
        if current.isValid():
            row = (current.row() + delta) % model.rowCount()
        else:
            record = self.examples_pane.current_record()
            row = model.find(record if record is not None else 0, after=delta > 0)
            if row < 0:
                row = 0 if delta > 0 else model.rowCount() - 1
        self.problems_pane.select_row(row)

    @Slot(int, object)
    def apply_quick_fix(self, record: int, problem: object) -> None:
        from desktop_app.core import fixes

        document = self.document
        if document is None or not isinstance(problem, Problem) or problem.fix is None:
            return
        if not 0 <= record < len(document.dataset):
            return
        label = problem.fix.label
        if fixes.removes_example(problem.fix.code):
            self._push(RemoveRecordsCommand(document.dataset, [record], label))
            self.status_label.setText(f"{label}: done. Undo brings it back.")
            return
        try:
            value = fixes.apply_problem_fix(problem, document.dataset.value(record))
        except fixes.FixNotApplicable:
            self.status_label.setText("That fix no longer applies; the example has changed.")
            return
        self._push(SetValueCommand(document.dataset, record, value, label))
        self.status_label.setText(f"{label}: done. Undo reverts it.")

    # ---- navigation ----------------------------------------------------------------------
    @Slot(object)
    def _on_current_record(self, record: object) -> None:
        self.editor.show_record(record if isinstance(record, int) else None)
        self._update_actions()

    def focus_examples(self) -> None:
        self.examples_pane.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not self.examples_pane.table.currentIndex().isValid():
            self.examples_pane.move_current(1)

    def focus_editor(self) -> None:
        if self.examples_pane.current_record() is None:
            self.examples_pane.move_current(1)
        self.editor.focus_message(0)

    def focus_problems(self) -> None:
        self.side_tabs.setCurrentWidget(self.problems_pane)
        self.problems_pane.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # ---- status --------------------------------------------------------------------------
    def _display_name(self) -> str:
        if self.display_name_override and (self.document is None or self.document.path is None):
            return self.display_name_override
        return self.document.display_name if self.document else "Untitled dataset"

    @Slot()
    def _update_title(self) -> None:
        self.setWindowTitle(f"{self._display_name()}[*] — {APP_TITLE}")
        self.setWindowModified(bool(self.document and self.document.is_modified))

    @Slot()
    def _update_actions(self) -> None:
        document = self.document
        ready = document is not None and not document.loading
        has_rows = ready and len(document.dataset) > 0  # type: ignore[union-attr]
        targets = bool(self._targets()) if ready else False
        for action in (self.act_save, self.act_save_as, self.act_add, self.act_import):
            action.setEnabled(ready)
        self.act_export.setEnabled(has_rows)
        self.act_export_for.setEnabled(has_rows)
        for action in (
            self.act_duplicate,
            self.act_delete,
            self.act_add_tag,
            self.act_remove_tag,
            self.act_note,
            *self.status_actions.values(),
        ):
            action.setEnabled(targets)
        self.act_system_prompt.setEnabled(has_rows)
        self.act_find_replace.setEnabled(has_rows)

    def _schedule_counts(self) -> None:
        if not self._counts_timer.isActive():
            self._counts_timer.start()

    @Slot()
    def _update_counts(self) -> None:
        document = self.document
        if document is None:
            self.counts_label.setText("")
            return
        analysis = document.analysis
        lines = len(document.dataset)
        text = f"{lines:,} line{'s' if lines != 1 else ''}"
        if analysis.enabled:
            text += (
                f" · {analysis.error_count:,} error{'s' if analysis.error_count != 1 else ''}"
                f" · {analysis.warning_count:,} warning"
                f"{'s' if analysis.warning_count != 1 else ''}"
            )
        self.counts_label.setText(text)

    @Slot(bool)
    def _on_loading_changed(self, loading: bool) -> None:
        self.progress.setVisible(loading)
        self.cancel_button.setVisible(loading)
        if loading:
            self.progress.setRange(0, 100)
            self.progress.setValue(0)
            self.progress.setFormat("Opening… %p%")
        self._update_actions()

    def _set_progress(self, value: int) -> None:
        """QProgressBar.setValue repaints the window on the spot; this lets it paint later."""
        self.progress.setUpdatesEnabled(False)
        self.progress.setValue(value)
        self.progress.setUpdatesEnabled(True)
        self.progress.update()

    @Slot(int, int)
    def _on_load_progress(self, done: int, total: int) -> None:
        percent = int(done * 100 / total) if total else 100
        if percent != self.progress.value():
            self._set_progress(percent)
        self._schedule_counts()
        if self.examples_pane.current_record() is None:
            # once this batch is painted and the window has reacted: the editor's bubbles take
            # a few frames to build, and stacked on the batch the window would stall
            QTimer.singleShot(FIRST_EXAMPLE_DELAY_MS, self._show_first_example)

    @Slot()
    def _show_first_example(self) -> None:
        if self.document is not None and self.examples_pane.current_record() is None:
            self.examples_pane.move_current(1)

    @Slot()
    def _on_loaded(self) -> None:
        document = self.document
        assert document is not None and document.path is not None
        self._remember_recent(document.path)
        size = document.analysis.file_bytes or 0
        note = ""
        if size > LARGE_FILE_NOTICE:
            note = f" It is a large file ({size / 1048576:,.0f} MB); checks run in the background."
        self.status_label.setText(f"Opened “{document.path.name}”.{note}")
        self._update_title()
        self._update_counts()

    @Slot(object)
    def _on_load_failed(self, error: object) -> None:
        # never keep a half-read file open: saving it would lose the rest of the file
        self.set_document(self._new_document())
        if error is None:
            self.status_label.setText("Opening was cancelled.")
            return
        self.status_label.setText("The file could not be opened.")
        show_error(self, error if isinstance(error, BaseException) else Exception(str(error)))

    @Slot(int, int)
    def _on_check_progress(self, checked: int, total: int) -> None:
        if self.document is not None and self.document.loading:
            return
        percent = checked * 100 // total if total else 100
        if percent == self._progress_percent and self.progress.format() == "Checking… %p%":
            return  # a progress bar repaints at once: only when the number shown changes
        self._progress_percent = percent
        self.progress.setRange(0, 100)
        self.progress.setFormat("Checking… %p%")
        self._set_progress(percent)

    @Slot(bool)
    def _on_checking_changed(self, checking: bool) -> None:
        if self.document is not None and self.document.loading:
            return
        self.progress.setVisible(checking)
        self.cancel_button.setVisible(checking)
        if not checking:
            self._update_counts()
            analysis = self.document.analysis if self.document else None
            if analysis is not None and analysis.checked_count < len(analysis.summaries):
                self.status_label.setText(
                    "Checking was stopped. Edited examples are still checked as you go."
                )

    @Slot()
    def cancel_background(self) -> None:
        document = self.document
        if document is None:
            return
        if document.loading:
            document.cancel_loading()
        else:
            document.analysis.cancel()

    def _on_model_changed(self, model: str) -> None:
        self.prefs = replace(self.prefs, model=model)
        self._store_prefs()
        if self.document is not None:
            self.document.analysis.set_model(model)

    def _on_provider_changed(self, provider: str) -> None:
        """The checks follow the chosen provider's rules: check everything again."""
        self.prefs = replace(self.prefs, provider=provider)
        self._store_prefs()
        if self.document is not None:
            self.document.analysis.set_model(self.prefs.model, provider)

    def _on_epochs_changed(self, epochs: object) -> None:
        self.prefs = replace(self.prefs, epochs=epochs if isinstance(epochs, int) else None)
        self._store_prefs()

    def _store_prefs(self) -> None:
        self.services.prefs = self.prefs
        if not self.services.persist_prefs:
            return
        try:
            save_preferences(self.prefs)
        except UserFacingError as error:
            log.warning("preferences not saved: %s", error)

    def follow_system_scheme(self) -> None:
        """With the "system" theme: ask the system now (the frame used the last start's answer),
        switch if it changed, and remember the answer for the next start."""
        if self.prefs.theme != "system":
            return
        scheme = theme.system_scheme()
        self.ui_state.save_system_scheme(scheme)
        if scheme != theme.current():
            self.set_theme("system")

    def set_theme(self, name: str) -> None:
        app = QApplication.instance()
        if not isinstance(app, QApplication):
            return
        theme.apply_theme(app, name)
        clear_cache()
        for action, icon_name in self._icon_names.items():
            action.setIcon(icon(icon_name))
        self.prefs = replace(self.prefs, theme=name)
        self._store_prefs()
        self.overview_pane.schedule()

    # ---- help ----------------------------------------------------------------------------
    @Slot()
    def show_shortcuts(self) -> None:
        rows = [
            ("Next / previous example", "Ctrl+Down / Ctrl+Up"),
            ("Next / previous problem", "F8 / Shift+F8"),
            ("Next / previous message (in the editor)", "Alt+Down / Alt+Up"),
            ("Mark as draft / needs work / approved", "Alt+1 / Alt+2 / Alt+3"),
            ("Add a tag / remove a tag", "Ctrl+T / Ctrl+Shift+T"),
            ("Review note", "Ctrl+Shift+M"),
            ("Go to examples / editor / problems", "Ctrl+1 / Ctrl+2 / Ctrl+3"),
            ("Filter examples", QKeySequence(QKeySequence.StandardKey.Find).toString()),
            ("Find and replace", QKeySequence(QKeySequence.StandardKey.Replace).toString()),
            ("Add example / duplicate", "Ctrl+Shift+N / Ctrl+D"),
            (
                "Undo / redo",
                f"{QKeySequence(QKeySequence.StandardKey.Undo).toString()} / "
                f"{QKeySequence(QKeySequence.StandardKey.Redo).toString()}",
            ),
        ]
        html = (
            "<table cellspacing=6>"
            + "".join(f"<tr><td>{what}</td><td><b>{keys}</b></td></tr>" for what, keys in rows)
            + "</table>"
        )
        box = QMessageBox(QMessageBox.Icon.Information, "Keyboard shortcuts", html, parent=self)
        box.setObjectName("shortcuts-box")
        box.open()

    @Slot()
    def show_about(self) -> None:
        from desktop_app.ui.dialogs.about import AboutDialog

        dialog = AboutDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    # ---- window events -------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            event.acceptProposedAction()
            QTimer.singleShot(0, lambda: self.open_path(files[0]))

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.completed:
            self.pools.shutdown(30_000)
            event.accept()
            return
        if not self._closing and not self.maybe_save():
            event.ignore()
            return
        if self._closing and self.document is None:
            event.accept()
            return
        self._closing = True
        self.extras.shutdown()
        self.save_layout()
        if self.document is not None:
            self._detach(self.document)
            self.document.deleteLater()
            self.document = None
        self.pools.shutdown(30_000)
        event.accept()


def _system_prompt_near(document: Document, index: int) -> str:
    """The system prompt of the example at `index` (new examples start with the same one)."""
    if not 0 <= index < len(document.dataset):
        return ""
    value = document.dataset.value(index)
    messages = value.get("messages") if isinstance(value, dict) else None
    if isinstance(messages, list) and messages:
        first = messages[0]
        if isinstance(first, dict) and first.get("role") == "system":
            content = first.get("content")
            return content if isinstance(content, str) else ""
    return ""


def _count(number: int, word: str) -> str:
    return f"{number:,} {word}{'s' if number != 1 else ''}"
