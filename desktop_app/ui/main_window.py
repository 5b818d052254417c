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
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QUndoGroup,
)
from PySide6.QtWidgets import (
    QApplication,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QWidget,
)

from desktop_app.core.errors import UserFacingError
from desktop_app.qt import gc_guard
from desktop_app.qt.waiting import shut_down
from desktop_app.ui import theme, window_editing
from desktop_app.ui.icons import clear_cache, icon, icon_set
from desktop_app.ui.window_editing import WindowEditing
from desktop_app.ui.window_menus import WindowMenus
from desktop_app.ui.window_status import WindowStatus

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
    """Import the window's heavy parts (editor, panes, models).

    Called when the window is completed, i.e. after its first paint, so starting the app shows a
    window as fast as a bare Qt window would; the names become this module's globals.
    """
    global recovery, save_preferences, sample_path
    global Document, ExamplesModel, ProblemsModel, ExampleEditor, show_error
    global ExamplesPane, OverviewPane, ProblemsPane, Qt
    from PySide6.QtCore import Qt  # the Qt.* enums: about 45 ms, so after the first paint

    from desktop_app.core import recovery
    from desktop_app.core.settings import save_preferences
    from desktop_app.core.templates import sample_path
    from desktop_app.qt.document import Document
    from desktop_app.qt.examples_model import ExamplesModel
    from desktop_app.qt.problems_model import ProblemsModel
    from desktop_app.ui.editor.example_editor import ExampleEditor
    from desktop_app.ui.errors import show_error
    from desktop_app.ui.panes.examples_pane import ExamplesPane
    from desktop_app.ui.panes.overview_pane import OverviewPane
    from desktop_app.ui.panes.problems_pane import ProblemsPane

    window_editing.import_parts()


log = logging.getLogger(__name__)

APP_TITLE = "Finetune Studio"
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


class MainWindow(WindowMenus, WindowEditing, WindowStatus, QMainWindow):
    """One window, one document. Its actions and menus (`window_menus.py`), editing
    (`window_editing.py`) and status bar (`window_status.py`) are parts kept in their own files."""

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
        self._select_when_loaded: int | None = None
        self._name_while_empty = False
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
        from desktop_app.ui.window_files import FileActions

        self.files = FileActions(self)  # open, save, import, export (window_files.py)
        self._build_panes()
        self._build_actions()
        self._build_menus()
        self._restore_layout()
        from desktop_app.ui.repair_wiring import install_repair
        from desktop_app.ui.window_extras import install_extras
        from desktop_app.ui.window_words import install_words

        self.extras = install_extras(self)  # Training and Try menus, welcome, tour
        self.repair = install_repair(self)  # the banner offering to repair a file
        self.words = install_words(self)  # spell checking, Help ▸ Glossary / User Guide
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
        self.problems_pane.intended_requested.connect(self.set_intended)
        self.overview_pane = OverviewPane(
            self.prefs.model, self.prefs.epochs, self, provider=self.prefs.provider
        )
        self.overview_pane.model_changed.connect(self._on_model_changed)
        self.overview_pane.provider_changed.connect(self._on_provider_changed)
        self.overview_pane.epochs_changed.connect(self._on_epochs_changed)
        self.overview_pane.train_requested.connect(self.start_training)
        self.overview_pane.style_section.rows_chosen.connect(self.examples_pane.show_rows)
        from desktop_app.ui.side_area import SideArea

        self.side_area = SideArea(self.problems_pane, self.overview_pane, self)
        self.side_tabs = self.side_area.tabs
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("main-splitter")
        self.splitter.addWidget(self.examples_pane)
        self.splitter.addWidget(self.editor)
        self.splitter.addWidget(self.side_area)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setStretchFactor(2, 3)
        self.splitter.setSizes([600, 460, 340])
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)

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
        self.ui_state.save_bytes("examples_header", self.examples_pane.header_state())
        document = self.document
        if document is not None and self.completed:
            self.ui_state.save_session(document.path, self.examples_pane.current_record())
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
        self._name_while_empty = False
        if old is not None:
            self._detach(old)
        self.document = document
        icons = icon_set(_MODEL_ICONS)
        self.examples_model = ExamplesModel(
            document.dataset, document.analysis, document.review, icons, self
        )
        self.problems_model = ProblemsModel(document.analysis, icons, self, document.review)
        self.examples_pane.set_model(self.examples_model, document.search)
        self.problems_pane.set_model(self.problems_model)
        self.problems_model.rebuilt.connect(self._update_counts)  # the list and the bar agree
        self.overview_pane.set_analysis(document.analysis, document.review)
        self.editor.set_context(document.dataset, document.undo_stack, self._token_counter)
        self.undo_group.addStack(document.undo_stack)
        self.undo_group.setActiveStack(document.undo_stack)
        document.modified_changed.connect(self.update_title)
        document.path_changed.connect(self.update_title)
        document.loading_changed.connect(self._on_loading_changed)
        document.load_progress.connect(self._on_load_progress)
        document.loaded.connect(self._on_loaded)
        document.load_failed.connect(self._on_load_failed)
        document.saved.connect(self.files.on_saved)
        document.save_failed.connect(self.files.on_save_failed)
        document.analysis.progress_changed.connect(self._on_check_progress)
        document.analysis.checking_changed.connect(self._on_checking_changed)
        document.analysis.counts_changed.connect(self._schedule_counts)
        document.undo_stack.indexChanged.connect(self._update_actions)
        self.follow_undo(document)
        document.undo_stack.indexChanged.connect(self.update_title)  # the title follows content
        document.undo_stack.indexChanged.connect(self._schedule_counts)
        self.update_title()
        self._update_actions()
        self._update_counts()
        self.document_changed.emit()
        if old is not None:
            old.deleteLater()

    def _detach(self, document: Document) -> None:
        document.close()
        self.unfollow_undo(document)
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

    def open_path(self, path: Path | str, select: int | None = None) -> None:
        """Open a file (asks about unsaved changes first); `select`: the example to show once
        it is read (the last session's selection)."""
        path = Path(path)
        if not self.maybe_save():
            return
        document = self._new_document()
        self.set_document(document)
        self._select_when_loaded = select
        self.status_label.setText(f"Opening “{path.name}”…")
        document.start_loading(path)

    def open_template(self, template: Template) -> None:
        if not self.maybe_save():
            return
        document = self._new_document(template.data())
        self.set_document(document, name=f"Untitled ({template.title.lower()})")
        self._name_while_empty = len(document.dataset) == 0
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

    # ---- file actions --------------------------------------------------------------------
    @Slot()
    def new_dataset(self) -> None:
        from desktop_app.ui.dialogs.new_dataset import NewDatasetDialog

        dialog = NewDatasetDialog(self)
        if dialog.exec():
            self.open_template(dialog.chosen())

    def maybe_save(self) -> bool:
        """Ask about unsaved changes: True to go on (saved or discarded), False to stay."""
        return self.files.maybe_save()

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
    def display_name(self) -> str:
        """The title follows the content: a name given to an empty dataset lasts while it is
        empty ("Untitled (empty dataset)" becomes "Untitled dataset" once examples arrive)."""
        document = self.document
        grown = self._name_while_empty and document is not None and len(document.dataset) > 0
        if self.display_name_override and (document is None or document.path is None) and not grown:
            return self.display_name_override
        return document.display_name if document else "Untitled dataset"

    @Slot()
    def update_title(self) -> None:
        self.setWindowTitle(f"{self.display_name()}[*] — {APP_TITLE}")
        self.setWindowModified(bool(self.document and self.document.is_modified))

    @Slot()
    def _on_loaded(self) -> None:
        document = self.document
        assert document is not None and document.path is not None
        self.ui_state.add_recent(document.path)
        size = document.analysis.file_bytes or 0
        note = ""
        if size > LARGE_FILE_NOTICE:
            note = f" It is a large file ({size / 1048576:,.0f} MB); checks run in the background."
        self.status_label.setText(f"Opened “{document.path.name}”.{note}")
        self.update_title()
        self._update_counts()
        select, self._select_when_loaded = self._select_when_loaded, None
        if select is not None and 0 <= select < len(document.dataset):
            self.examples_pane.select_record(select)

    @Slot(object)
    def _on_load_failed(self, error: object) -> None:
        # never keep a half-read file open: saving it would lose the rest of the file
        self.set_document(self._new_document())
        if error is None:
            self.status_label.setText("Opening was cancelled.")
            return
        self.status_label.setText("The file could not be opened.")
        show_error(self, error if isinstance(error, BaseException) else Exception(str(error)))

    def _on_model_changed(self, model: str) -> None:
        self.prefs = replace(self.prefs, model=model)
        self.store_prefs()
        if self.document is not None:
            self.document.analysis.set_model(model)

    def _on_provider_changed(self, provider: str) -> None:
        """The checks follow the chosen provider's rules: check everything again."""
        self.prefs = replace(self.prefs, provider=provider)
        self.store_prefs()
        if self.document is not None:
            self.document.analysis.set_model(self.prefs.model, provider)

    def _on_epochs_changed(self, epochs: object) -> None:
        self.prefs = replace(self.prefs, epochs=epochs if isinstance(epochs, int) else None)
        self.store_prefs()

    def store_prefs(self) -> None:
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
        self.store_prefs()
        self.overview_pane.schedule()

    @Slot()
    def start_training(self) -> None:
        """The overview's Train… button (the toolbar's and the Training menu's do the same)."""
        self.extras.training.menu.start_training()

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
        shut_down(self.pools, 30_000)  # saves finish while the window still paints
        event.accept()
