"""Put the training GUI into the main window: a Training menu, a Jobs dock, the hub.

    hub = install_training(window, document=..., display_name=..., say=..., go_to=...)
    ...
    hub.shutdown()                                  # in closeEvent, before the pools shut down

What the menu needs from the window is passed in explicitly: the shown document, its display
name, a status line, and going to an example's problem (window_extras.py does this).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow

from desktop_app.core.dataset.records import Dataset
from desktop_app.qt.tasks import TaskRunner
from desktop_app.ui.icons import icon
from desktop_app.ui.training.hub import TrainingHub

START_SHORTCUT = "Ctrl+Shift+R"  # “run training”; Ctrl+Shift+T is taken by Remove Tag


class ShownDocument(Protocol):
    """The open document as training sees it (desktop_app.qt.document.Document fits)."""

    @property
    def dataset(self) -> Dataset: ...

    @property
    def loading(self) -> bool: ...

    @property
    def path(self) -> Any: ...


class TrainingMenu(QObject):
    """The Training menu and the Jobs dock of one main window."""

    def __init__(
        self,
        window: QMainWindow,
        hub: TrainingHub,
        document: Callable[[], ShownDocument | None],
        display_name: Callable[[], str],
        say: Callable[[str], None],
    ) -> None:
        super().__init__(window)
        self.window = window
        self.hub = hub
        self._document = document
        self._display_name = display_name
        self._say_to = say
        self.act_start = QAction(icon("train"), "&Start Training…", window)
        self.act_start.setShortcut(QKeySequence(START_SHORTCUT))
        self.act_start.setStatusTip("Check this dataset, see the cost, and start a fine-tuning job")
        self.act_start.triggered.connect(self.start_training)
        self.act_keys = QAction(icon("key"), "&Keys and Providers…", window)
        self.act_keys.setStatusTip("Add, check or remove your API keys")
        self.act_keys.triggered.connect(self.show_keys)
        self.dock = QDockWidget("Jobs", window)
        self.dock.setObjectName("jobs-dock")
        self.dock.setWidget(hub.jobs_pane(self.dock))
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self.dock.hide()
        self.act_jobs = self.dock.toggleViewAction()
        self.act_jobs.setText("&Jobs")
        self.act_jobs.setIcon(icon("train"))
        self.act_jobs.setShortcut(QKeySequence("Ctrl+J"))
        self.act_jobs.setStatusTip("Show your training jobs")
        menu = window.menuBar().addMenu("&Training")
        menu.setObjectName("training-menu")
        for action in (self.act_start, self.act_jobs):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.act_keys)
        self.menu = menu
        hub.job_started.connect(self._show_jobs)
        hub.message.connect(self._say)

    @Slot()
    def start_training(self) -> None:
        document = self._document()
        if document is None or document.loading:
            self._say("Wait until the dataset has finished opening, then start training.")
            return
        if len(document.dataset) == 0:
            self._say("This dataset has no examples yet: add some, then start training.")
            return
        name = self._display_name()
        self.hub.start_training(self.window, document.dataset, path=document.path, name=name)

    @Slot()
    def show_keys(self) -> None:
        self.hub.show_keys(self.window)

    @Slot(object)
    def _show_jobs(self, _key: object) -> None:
        self.dock.show()
        self.dock.raise_()

    @Slot(str)
    def _say(self, text: str) -> None:
        self._say_to(text)


def install_training(
    window: QMainWindow,
    *,
    document: Callable[[], ShownDocument | None],
    display_name: Callable[[], str],
    say: Callable[[str], None],
    go_to: Callable[[int, int], None],
    tasks: TaskRunner,
    **options: Any,
) -> TrainingHub:
    """Create the training hub for `window`, add its menu and dock, resume following jobs.

    `go_to(record, message)` shows an example a job's error points at."""

    def current_dataset() -> Dataset | None:
        shown = document()
        return shown.dataset if shown is not None else None

    hub = TrainingHub(window=window, current_dataset=current_dataset, tasks=tasks, **options)
    hub.example_requested.connect(go_to)
    hub.menu = TrainingMenu(window, hub, document, display_name, say)
    QTimer.singleShot(0, hub.resume)
    QTimer.singleShot(0, hub.resolve_pending)  # job starts sent but never confirmed
    return hub
