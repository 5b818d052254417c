"""The main window: examples on the left, the example editor in the middle, problems and the
overview on the right; menus, shortcuts, status bar; one open document at a time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QUndoGroup
from PySide6.QtWidgets import QApplication, QMainWindow, QSplitter, QWidget

from desktop_app.core.errors import UserFacingError
from desktop_app.qt import gc_guard
from desktop_app.qt.waiting import shut_down
from desktop_app.ui import theme, window_editing
from desktop_app.ui.icons import clear_cache, icon, icon_set
from desktop_app.ui.screen_fit import fit_size
from desktop_app.ui.window_editing import EditActions
from desktop_app.ui.window_parts import WARM_UP_AFTER_MS, Selection, Shown, WindowParts
from desktop_app.ui.window_status import StatusWidgets, WindowStatus

if TYPE_CHECKING:
    from PySide6.QtCore import Qt

    from desktop_app.core.settings.preferences import Preferences, save_preferences
    from desktop_app.qt.analysis_store import TokenCounts
    from desktop_app.qt.document import Document
    from desktop_app.qt.examples_model import ExamplesModel
    from desktop_app.qt.problems_model import ProblemsModel
    from desktop_app.qt.tasks import TaskRunner
    from desktop_app.qt.ui_state import UiState
    from desktop_app.ui.editor.example_editor import ExampleEditor
    from desktop_app.ui.panes.examples_pane import ExamplesPane
    from desktop_app.ui.panes.overview_pane import OverviewPane
    from desktop_app.ui.panes.problems_pane import ProblemsPane
    from desktop_app.ui.window_extras import Extras


def _import_parts() -> None:
    """Import the window's heavy parts (editor, panes, models).

    Called when the window is completed, i.e. after its first paint, so starting the app shows a
    window as fast as a bare Qt window would; the names become this module's globals.
    """
    global save_preferences, Document, ExamplesModel, ProblemsModel, ExampleEditor
    global ExamplesPane, OverviewPane, ProblemsPane, Qt
    from PySide6.QtCore import Qt  # the Qt.* enums: about 45 ms, so after the first paint

    from desktop_app.core.settings.preferences import save_preferences
    from desktop_app.qt.document import Document
    from desktop_app.qt.examples_model import ExamplesModel
    from desktop_app.qt.problems_model import ProblemsModel
    from desktop_app.ui.editor.example_editor import ExampleEditor
    from desktop_app.ui.panes.examples_pane import ExamplesPane
    from desktop_app.ui.panes.overview_pane import OverviewPane
    from desktop_app.ui.panes.problems_pane import ProblemsPane

    window_editing.import_parts()


log = logging.getLogger(__name__)

APP_TITLE = "Finetune Studio"
FIRST_SIZE = (1400, 860)  # the window at the first start, on a screen with room for it
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

    pools: TaskRunner
    prefs: Preferences
    ui_state: UiState
    persist_prefs: bool = True


class MainWindow(QMainWindow):
    """The frame: one window showing one document. It builds its parts (panes, editor, status
    bar) and hands them, with the shown document and the selection (window_parts.py), to its
    controllers: `files` (files and documents), `edits` (edit actions, going to problems),
    `status` (progress and counts), `menus` (actions, menus, toolbar), then the extras."""

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
        self.shown = Shown()
        self.display_name_override: str | None = None
        self._name_while_empty = False
        self._closing = False
        self.completed = False
        # the Training and Try menus, the welcome screen and the tour: the composition root
        # adds them once the window is complete (desktop_app/app.py, complete_window)
        self.extras: Extras | None = None
        self.undo_group = QUndoGroup(self)
        self.setObjectName("main-window")
        self.setWindowTitle(APP_TITLE)
        self.setWindowIcon(icon("finetune-studio"))
        self.setAcceptDrops(True)
        bar = StatusWidgets.build(self)
        self.status_label, self.progress = bar.label, bar.progress
        self.cancel_button, self.counts_label = bar.cancel_button, bar.counts_label
        self._status_widgets = bar
        geometry = self.ui_state.load_bytes("geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.first_size()
        if not deferred:
            self.complete()
        else:
            self.status_label.setText("Starting…")

    def first_size(self) -> None:
        """1400×860 at the first start, or as much of a smaller screen as it can use (the window
        was 1400×860 on a 1024×700 screen too: its right side, Problems included, off screen)."""
        fit_size(self, *FIRST_SIZE, centre=True)

    # ---- what is shown -------------------------------------------------------------------
    @property
    def document(self) -> Document | None:
        return self.shown.document

    @property
    def examples_model(self) -> ExamplesModel | None:
        return self.shown.examples_model

    @property
    def problems_model(self) -> ProblemsModel | None:
        return self.shown.problems_model

    def complete(self) -> None:
        """Build the panes, controllers and menus, and show an empty document."""
        if self.completed:
            return
        _import_parts()
        from desktop_app.ui.repair_wiring import RepairController
        from desktop_app.ui.window_files import FileActions
        from desktop_app.ui.window_menus import WindowMenus
        from desktop_app.ui.window_words import Words

        self._build_panes()
        parts = self.parts = WindowParts(
            self,
            self.examples_pane,
            self.editor,
            self.problems_pane,
            self.overview_pane,
            self.side_area,
            self.status_label,
        )
        self.selection = Selection(self.examples_pane)
        shown, selection = self.shown, self.selection
        self.files = FileActions(self, parts, shown, selection, self.ui_state, self.pools)
        self.edits = EditActions(parts, shown, selection, self.pools)
        self.status = WindowStatus(self._status_widgets, parts, shown)
        self.menus = WindowMenus(self, self.files, self.edits)
        self.toolbar = self.menus.toolbar
        self._connect_panes()
        self._restore_layout()
        self.repair = RepairController(self, parts, shown)  # the banner offering a repair
        self.words = Words(self, parts)  # spell checking, Help ▸ Glossary / User Guide
        self.follow_system_scheme()
        self.completed = True
        self.status_label.setText("")
        self.set_document(self.new_document())
        gc_guard.settle_start()
        QTimer.singleShot(0, self.editor.warm_up)
        QTimer.singleShot(WARM_UP_AFTER_MS, self._warm_up)

    @Slot()
    def _warm_up(self) -> None:
        from desktop_app.qt.analysis_store import warm_up_checking  # not before the first paint

        self.pools.run(warm_up_checking, owner=self)

    # ---- building ------------------------------------------------------------------------
    def _build_panes(self) -> None:
        from desktop_app.ui.side_area import SideArea

        self.examples_pane = ExamplesPane(self)
        self.editor = ExampleEditor(self)
        self.editor.setAccessibleName("Example editor")
        self.problems_pane = ProblemsPane(self)
        self.overview_pane = OverviewPane(
            self.prefs.model, self.prefs.epochs, self, provider=self.prefs.provider
        )
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

    def _connect_panes(self) -> None:
        """The panes' signals to the controllers that act on them."""
        self.examples_pane.current_record_changed.connect(self._on_current_record)
        self.examples_pane.selection_changed.connect(self.update_actions)
        self.problems_pane.problem_activated.connect(self.edits.go_to_problem)
        self.problems_pane.fix_requested.connect(self.edits.apply_quick_fix)
        self.problems_pane.fix_all_requested.connect(self.edits.apply_fix_to_all)
        self.problems_pane.intended_requested.connect(self.edits.set_intended)
        self.overview_pane.model_changed.connect(self._on_model_changed)
        self.overview_pane.provider_changed.connect(self._on_provider_changed)
        self.overview_pane.epochs_changed.connect(self._on_epochs_changed)
        self.overview_pane.train_requested.connect(self.start_training)
        self.overview_pane.style_section.rows_chosen.connect(self.examples_pane.show_rows)

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
    def new_document(self, data: bytes | None = None, path: Path | None = None) -> Document:
        """A document with the preferences' model, provider and autosave (not shown yet)."""
        prefs = self.prefs
        if data is None:
            return Document(
                self.pools,
                model=prefs.model,
                provider=prefs.provider,
                autosave_seconds=prefs.autosave_seconds,
                parent=self,
            )
        return Document.from_bytes(
            self.pools,
            data,
            path=path,
            model=prefs.model,
            provider=prefs.provider,
            autosave_seconds=prefs.autosave_seconds,
            parent=self,
        )

    def set_document(
        self, document: Document, *, name: str | None = None, only_while_empty: bool = False
    ) -> None:
        """Show `document` (the previous one is closed; ask before calling this). `name` is
        shown until it is saved (with `only_while_empty`: while it has no examples)."""
        old = self.document
        self.display_name_override = name
        self._name_while_empty = False
        if old is not None:
            self._detach(old)
        shown = self.shown
        shown.document = document
        icons = icon_set(_MODEL_ICONS)
        shown.examples_model = ExamplesModel(
            document.dataset, document.analysis, document.review, icons, self
        )
        problems_model = ProblemsModel(document.analysis, icons, self, document.review)
        shown.problems_model = problems_model
        self.examples_pane.set_model(shown.examples_model, document.search)
        self.problems_pane.set_model(problems_model)
        problems_model.rebuilt.connect(self.status.update_counts)  # the list and the bar agree
        self.overview_pane.set_analysis(document.analysis, document.review)
        self.editor.set_context(document.dataset, document.undo_stack, self._token_counter)
        self.undo_group.addStack(document.undo_stack)
        self.undo_group.setActiveStack(document.undo_stack)
        document.modified_changed.connect(self.update_title)
        document.path_changed.connect(self.update_title)
        self.status.follow(document)
        document.loading_changed.connect(self.update_actions)
        document.loaded.connect(self.files.on_loaded)
        document.loaded.connect(self.status.update_counts)
        document.load_failed.connect(self.files.on_load_failed)
        document.saved.connect(self.files.on_saved)
        document.save_failed.connect(self.files.on_save_failed)
        document.undo_stack.indexChanged.connect(self.update_actions)
        self.edits.follow_undo(document)
        document.undo_stack.indexChanged.connect(self.update_title)  # the title follows content
        self._name_while_empty = only_while_empty and len(document.dataset) == 0
        self.update_title()
        self.update_actions()
        self.status.update_counts()
        self.document_changed.emit()
        if old is not None:
            old.deleteLater()

    def _detach(self, document: Document) -> None:
        document.close()
        self.edits.unfollow_undo(document)
        self.undo_group.removeStack(document.undo_stack)
        self.examples_pane.set_model(None)
        self.problems_pane.set_model(None)
        self.overview_pane.set_analysis(None)
        shown = self.shown
        for model in (shown.examples_model, shown.problems_model):
            if model is not None:
                model.detach()
                model.deleteLater()
        shown.examples_model = shown.problems_model = None
        gc_guard.thaw()  # its cycles (stores, models, callbacks) become collectable

    def _token_counter(self) -> TokenCounts | None:
        return self.document.analysis.counter() if self.document else None

    def maybe_save(self) -> bool:
        """Ask about unsaved changes: True to go on (saved or discarded), False to stay."""
        return self.files.maybe_save()

    @Slot()
    def update_actions(self) -> None:
        """Enable the actions the shown document and the selection allow now."""
        self.menus.update_enabled(self.document, bool(self.selection.targets()))

    @Slot(object)
    def _on_current_record(self, record: object) -> None:
        self.editor.show_record(record if isinstance(record, int) else None)
        self.update_actions()

    # ---- title ---------------------------------------------------------------------------
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

    # ---- preferences ---------------------------------------------------------------------
    @Slot(str)
    def _on_model_changed(self, model: str) -> None:
        self.prefs = replace(self.prefs, model=model)
        self.store_prefs()
        if self.document is not None:
            self.document.analysis.set_model(model)

    @Slot(str)
    def _on_provider_changed(self, provider: str) -> None:
        """The checks follow the chosen provider's rules: check everything again."""
        self.prefs = replace(self.prefs, provider=provider)
        self.store_prefs()
        if self.document is not None:
            self.document.analysis.set_model(self.prefs.model, provider)

    @Slot(object)
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
        self.menus.refresh_icons()
        self.prefs = replace(self.prefs, theme=name)
        self.store_prefs()
        self.overview_pane.schedule()

    @Slot()
    def start_training(self) -> None:
        """The overview's Train… button (the toolbar's and the Training menu's do the same)."""
        if self.extras is not None:
            self.extras.training.menu.start_training()

    # ---- window events -------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            event.acceptProposedAction()
            QTimer.singleShot(0, lambda: self.files.open_path(files[0]))

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
        if self.extras is not None:
            self.extras.shutdown()
        self.save_layout()
        document = self.document
        if document is not None:
            self._detach(document)
            document.deleteLater()
            self.shown.document = None
        shut_down(self.pools, 30_000)  # saves finish while the window still paints
        event.accept()
