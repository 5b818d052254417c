"""Offering to repair a file (or bring in its examples) when it opens, and doing it.

`RepairController(window, parts, shown)` is built once by `MainWindow.complete()`. After a file
has loaded, `plan_for` (core) runs on a worker with progress and Cancel in the banner (for a big
file in a child process, core/convert/plan_process.py); when the file is not one example per
line, or holds another shape, the banner offers Preview and Repair.
Repair is one undo step on the open document; the file on disk is untouched, and saving suggests a
new name beside the original ("… (repaired).jsonl").
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from desktop_app.core.convert.opening import OpenPlan, plan_for
from desktop_app.core.dataset.jsonline import RecordKind
from desktop_app.qt.replace_command import ReplaceAllCommand
from desktop_app.qt.tasks import CancelToken, Worker, WorkerSignals
from desktop_app.ui.dialogs.repair_preview import RepairPreview
from desktop_app.ui.icons import icon
from desktop_app.ui.repair_banner import RepairBanner
from desktop_app.ui.window_parts import Shown, WindowParts

if TYPE_CHECKING:
    from desktop_app.core.dataset.records import Dataset
    from desktop_app.qt.document import Document
    from desktop_app.ui.main_window import MainWindow

SHOW_WORKING_AFTER_MS = 300  # a quick look at a small file shows no progress bar at all


def _plan(snapshot: Dataset, *, cancel: CancelToken, progress: Callable[[float], None]) -> OpenPlan:
    return plan_for(snapshot, progress=progress, cancelled=lambda: cancel.cancelled)


def _plan_file(path: Path, *, cancel: CancelToken, progress: Callable[[float], None]) -> OpenPlan:
    from desktop_app.core.convert.plan_process import plan_file

    return plan_file(path, cancel=cancel, progress=progress)


def _unchanged_big_file(document: Document) -> Path | None:
    """The file the document's records were loaded from, when it is big enough to be looked at
    in a child process and neither the records nor the file changed since (else None)."""
    from desktop_app.core.convert.plan_process import MIN_BYTES

    source = document.source_file
    if source is None or document.dataset.revision != 0:
        return None
    path, size, mtime = source
    try:
        stat = path.stat()
    except OSError:
        return None
    same = (stat.st_size, stat.st_mtime_ns) == (size, mtime)
    return path if same and size >= MIN_BYTES else None


class RepairController(QObject):
    def __init__(self, window: MainWindow, parts: WindowParts, shown: Shown) -> None:
        super().__init__(window)
        self.window = window
        self.parts = parts
        self.shown = shown
        self.banner = RepairBanner()
        self.plan: OpenPlan | None = None
        self._revision = -1
        self._worker: Worker | None = None
        self._signals: WorkerSignals | None = None
        self._repair_after = False
        self._working_timer = QTimer(self)
        self._working_timer.setSingleShot(True)
        self._working_timer.setInterval(SHOW_WORKING_AFTER_MS)
        self._working_timer.timeout.connect(self._show_working)
        self._wrap_central_widget()
        self.act_repair = self._add_menu_action()
        self.banner.preview_requested.connect(self.preview)
        self.banner.repair_requested.connect(self.repair)
        self.banner.cancel_requested.connect(self.cancel)
        self.banner.dismissed.connect(self.banner.hide)
        window.document_changed.connect(self._on_document_changed)
        self._on_document_changed()

    def _wrap_central_widget(self) -> None:
        """Put the banner above whatever the window shows in its middle."""
        central = self.window.takeCentralWidget()
        assert central is not None  # the splitter (MainWindow._build_panes)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.banner)
        layout.addWidget(central, 1)
        self.window.setCentralWidget(box)

    def _add_menu_action(self) -> QAction:
        """File ▸ Repair File…: the banner's offer, still there after "Not now"."""
        action = QAction(icon("fix"), "Re&pair File…", self.window)
        action.setObjectName("repair-file")
        action.setToolTip("See how Finetune Studio would repair this file, then repair it")
        action.setEnabled(False)
        action.triggered.connect(self.preview)
        menus = self.window.menus
        file_menu = menus.menu_titled("&File")
        if file_menu is not None:
            file_menu.insertAction(menus.act_import, action)
        return action

    def _offer(self, plan: OpenPlan | None) -> None:
        """What the banner and the menu offer: `plan`, or nothing."""
        self.plan = plan
        offered = plan is not None and plan.worth_offering
        self.act_repair.setEnabled(offered)
        converted = plan is not None and plan.converted
        self.act_repair.setText("&Bring In Examples…" if converted else "Re&pair File…")

    # ---- looking at a newly opened file ------------------------------------------------------
    @Slot()
    def _on_document_changed(self) -> None:
        self.cancel()
        self._offer(None)
        self.banner.hide()
        document = self.shown.document
        if document is not None:
            document.loaded.connect(self.check)

    @Slot()
    def check(self) -> None:
        """Look at the open file on a worker (a snapshot of its records)."""
        document = self.shown.document
        if document is None or document.loading:
            return
        self.cancel()
        from desktop_app.core.dataset.records import Dataset

        dataset = document.dataset
        self._revision = dataset.revision
        signals = WorkerSignals()
        signals.progress.connect(self._on_progress)
        signals.succeeded.connect(self._on_planned)
        signals.cancelled.connect(self._on_cancelled)
        signals.failed.connect(self._on_failed)
        self._signals = signals
        big = _unchanged_big_file(document)
        if big is not None:  # pure Python for a second or more: not in the window's process
            self._worker = self.window.pools.run(_plan_file, big, owner=self, signals=signals)
        else:
            snapshot = Dataset(list(dataset), path=dataset.path, bom=dataset.bom)
            self._worker = self.window.pools.run(_plan, snapshot, owner=self, signals=signals)
        self._working_timer.start()

    @Slot()
    def cancel(self) -> None:
        self._working_timer.stop()
        self._repair_after = False
        if self._worker is not None:
            self._worker.cancel()
            self._worker = self._signals = None
            self.banner.hide()

    @property
    def busy(self) -> bool:
        return self._worker is not None

    @Slot()
    def _show_working(self) -> None:
        if self._worker is not None:
            self.banner.show_working("Looking at how this file is written…")

    def _stale(self) -> bool:
        """A signal from a look that was cancelled or replaced by a newer one."""
        return self.sender() is not self._signals

    @Slot(object)
    def _on_progress(self, fraction: object) -> None:
        if not self._stale() and isinstance(fraction, float | int):
            self.banner.set_progress(float(fraction))

    @Slot(object)
    def _on_planned(self, plan: object) -> None:
        if self._stale():
            return
        self._worker = None
        self._working_timer.stop()
        assert isinstance(plan, OpenPlan)
        self._offer(plan)
        if not plan.worth_offering:
            self.banner.hide()
            return
        if self._repair_after:
            self._repair_after = False
            self.repair()
            return
        self.banner.show_offer(plan.banner(), self._action())

    @Slot()
    def _on_cancelled(self) -> None:
        if not self._stale():
            self.banner.hide()

    @Slot(object)
    def _on_failed(self, error: object) -> None:
        if self._stale():
            return
        self._worker = None
        self.banner.hide()
        self.parts.say("Finetune Studio could not look at how this file is written.")

    def _action(self) -> str:
        return "&Bring In" if self.plan is not None and self.plan.converted else "&Repair"

    # ---- the writer's choices ----------------------------------------------------------------
    @Slot()
    def preview(self) -> None:
        plan = self.plan
        if plan is None:
            return
        dialog = RepairPreview(plan.items, plan.banner(), self._action(), self.window)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.repair()

    @Slot()
    def repair(self) -> None:
        document, plan = self.shown.document, self.plan
        if document is None or plan is None:
            return
        if document.dataset.revision != self._revision:  # edited since: look again first
            self.check()
            self._repair_after = True
            return
        original = document.path
        text = "Bring In Examples" if plan.converted else "Repair File"
        command = ReplaceAllCommand(
            document.dataset, plan.records, text, after=lambda done: self._after(done, original)
        )
        document.undo_stack.push(command)
        self.banner.hide()
        self._offer(None)
        self._land_in_editor()
        left = len(plan.repair.left)
        self.parts.say(
            f"{plan.banner().split(': ', 1)[-1][:-1].capitalize()} — done. Undo puts it back; "
            "the file on disk is unchanged until you save."
            + (
                f" {left} piece{'s' if left != 1 else ''} could not be read: see the Problems list."
                if left
                else ""
            )
        )

    def _after(self, done: bool, original: Path | None) -> None:
        """A repaired file is saved under a new name beside the original (Save As suggests it)."""
        document = self.shown.document
        if document is None or original is None:
            return
        if done:
            document.dataset.path = None
            document.suggested_path = original.with_name(f"{original.stem} (repaired).jsonl")
            self.window.display_name_override = None  # the document's own name says it
        else:
            document.dataset.path = original
            document.suggested_path = None
        document.path_changed.emit()

    def _land_in_editor(self) -> None:
        """Show the first example in the conversation editor (Raw JSON only for a broken line)."""
        document = self.shown.document
        assert document is not None
        dataset = document.dataset
        first = next(
            (
                i
                for i, r in enumerate(dataset)
                if r.parse().kind not in (RecordKind.BLANK, RecordKind.BROKEN)
            ),
            0,
        )
        pane, editor = self.parts.examples_pane, self.parts.editor
        pane.select_record(first)
        if 0 <= first < len(dataset) and dataset[first].parse().kind is not RecordKind.BROKEN:
            editor.tabs.setCurrentIndex(editor.CONVERSATION_TAB)
