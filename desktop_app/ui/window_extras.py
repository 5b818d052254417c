"""What the main window gains after its panes exist: the Training and Try menus (with the Jobs
dock), the welcome screen, the guided tour, and their clean shutdown.

Kept out of main_window.py so the window stays about editing. The composition root
(desktop_app/app.py, `complete_window`) builds the training hub and the try services once the
window is complete and hands them to `Extras(window, training, try_services)`;
`Extras.shutdown()` is called from the window's `closeEvent`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from desktop_app.core.dataset.templates import find_template
from desktop_app.ui.icons import icon
from desktop_app.ui.playground import open_comparison, open_playground, start_comparison
from desktop_app.ui.welcome import WelcomeDialog
from desktop_app.ui.window_parts import WindowParts

if TYPE_CHECKING:
    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.playground.services import TryServices
    from desktop_app.ui.tour import GuidedTour
    from desktop_app.ui.training.hub import TrainingHub


def tour_targets(parts: WindowParts) -> dict[str, QWidget]:
    """The objectNames the guided tour (desktop_app/ui/tour.py) looks for, and their widgets."""
    return {
        "examples-pane": parts.examples_pane,
        "example-editor": parts.editor,
        "problems-pane": parts.problems_pane,
        "overview-pane": parts.overview_pane,
        "side-tabs": parts.side_tabs,
    }


class Extras(QObject):
    """The Training and Try menus, the Train… button, the welcome screen and the tour of one
    complete window (`training`: its hub, with the Training menu already added)."""

    def __init__(
        self, window: MainWindow, training: TrainingHub, try_services: TryServices
    ) -> None:
        super().__init__(window)
        self.window = window
        self.parts = parts = window.parts
        for name, widget in tour_targets(parts).items():
            widget.setObjectName(name)
        self.training = training
        self._add_train_button()
        self.try_services = try_services
        self.try_services.example_added.connect(parts.examples_pane.select_record)
        self.training.compare_requested.connect(self.compare_moved)  # “Move this model”
        self.training.try_requested.connect(self.try_tuned)  # a job's Try Beside Its Base Model
        self.tour: GuidedTour | None = None
        self.welcome: WelcomeDialog | None = None
        help_menu = window.menus.menu_titled("&Help")
        self._move_before(self.training.menu.menu, help_menu)
        self._build_try_menu(help_menu)
        self._extend_help(help_menu)

    # ---- menus ---------------------------------------------------------------------------
    def _add_train_button(self) -> None:
        """Train… on the toolbar, where the tour says training starts."""
        window, toolbar = self.window, self.window.menus.toolbar
        train = QAction(icon("train"), "Train…", window)
        train.setObjectName("toolbar-train")
        train.setToolTip("Check this dataset, see the cost, and start training a model")
        train.triggered.connect(self.training.menu.start_training)
        toolbar.addSeparator()
        toolbar.addAction(train)
        self.act_train = train

    def _build_try_menu(self, before: QMenu | None) -> None:
        menu = QMenu("T&ry", self.window)
        menu.setObjectName("try-menu")
        for text, name, tip, slot in (
            ("&Playground…", "chat", "Chat with a model, or two side by side", self.playground),
            (
                "&Compare Two Models…",
                "compare",
                "Run a set of prompts through two models and rate the replies blind",
                self.compare,
            ),
            ("&Open Comparison…", "document-open", "Open a saved comparison", self.open_compare),
        ):
            action = QAction(icon(name), text, self.window)
            action.setStatusTip(tip)
            action.triggered.connect(slot)
            menu.addAction(action)
        self.try_menu = menu
        bar = self.window.menuBar()
        if before is not None:
            bar.insertMenu(before.menuAction(), menu)
        else:
            bar.addMenu(menu)

    def _extend_help(self, help_menu: QMenu | None) -> None:
        if help_menu is None:
            return
        welcome = QAction(icon("help"), "&Welcome Screen…", self.window)
        welcome.triggered.connect(self.show_welcome)
        tour = QAction(icon("help"), "Take the &Tour", self.window)
        tour.setStatusTip("A short tour of the panes")
        tour.triggered.connect(self.start_tour)
        # before Keyboard Shortcuts: after the User Guide and Glossary (window_words.py)
        before = self.window.menus.act_shortcuts
        help_menu.insertActions(before, [welcome, tour])
        help_menu.insertSeparator(before)

    def _move_before(self, menu: QMenu, before: QMenu | None) -> None:
        if before is None:
            return
        bar = self.window.menuBar()
        bar.removeAction(menu.menuAction())
        bar.insertMenu(before.menuAction(), menu)

    # ---- actions -------------------------------------------------------------------------
    @Slot()
    def playground(self) -> None:
        open_playground(self.window, self.try_services)

    @Slot()
    def compare(self) -> None:
        start_comparison(
            self.window, self.try_services, selected=self.parts.examples_pane.selected_records()
        )

    @Slot(object)
    def compare_moved(self, pair: object) -> None:
        from desktop_app.ui.training.moving import MovedPair, compare_blind

        if isinstance(pair, MovedPair):
            compare_blind(self.window, self.try_services, pair)

    @Slot(object, object)
    def try_tuned(self, key: object, job: object) -> None:
        """The playground with a finished job's tuned model (left) and its base model."""
        from desktop_app.core.providers.base import Job
        from desktop_app.core.training.job_key import JobKey
        from desktop_app.core.trying.endpoints import tuned_and_base

        if isinstance(key, JobKey) and isinstance(job, Job) and job.fine_tuned_model:
            tuned, base = tuned_and_base(key, job)
            open_playground(self.window, self.try_services, a=tuned, b=base)

    @Slot()
    def open_compare(self) -> None:
        open_comparison(self.window, self.try_services)

    @Slot()
    def show_welcome(self) -> WelcomeDialog:
        """The welcome screen (shown on the first start, and from the Help menu)."""
        dialog = WelcomeDialog(self.window.prefs.show_welcome, parent=self.window)
        dialog.screen_widget.show_at_start_changed.connect(self._remember_show_welcome)
        dialog.template_requested.connect(self._open_template)
        dialog.sample_requested.connect(self.window.files.open_sample)
        dialog.open_file_requested.connect(self.window.files.open_dialog)
        dialog.import_requested.connect(self.window.files.import_examples)
        dialog.tour_requested.connect(self.start_tour)
        dialog.show()
        self.welcome = dialog
        return dialog

    @Slot(bool)
    def _remember_show_welcome(self, show: bool) -> None:
        """The welcome screen's "Show this screen when Finetune Studio starts", kept."""
        window = self.window
        window.prefs = replace(window.prefs, show_welcome=show)
        window.store_prefs()

    @Slot(str)
    def _open_template(self, name: str) -> None:
        self.window.files.open_template(find_template(name))

    @Slot()
    def start_tour(self) -> None:
        from desktop_app.ui.tour import GuidedTour

        self.tour = GuidedTour(self.window)
        self.tour.start()

    def shutdown(self) -> None:
        """Stop chats, comparisons, polling and uploads; waits for their workers."""
        self.try_services.shutdown()
        self.training.shutdown()
