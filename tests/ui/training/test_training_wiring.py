"""The training GUI inside the real main window (wired by window_extras.install_extras through
wiring.install_training): the Training menu, the Jobs dock, a problem link that selects the
example in the editor, and a clean shutdown when the window closes."""

from __future__ import annotations

from pathlib import Path

import pytest
from training_helpers import chat_example  # type: ignore[import-not-found]

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDockWidget

from desktop_app.app import build_window
from desktop_app.core.dataset.records import Dataset
from desktop_app.core.settings.preferences import Preferences
from desktop_app.qt.tasks import TaskRunner
from desktop_app.qt.ui_state import UiState
from desktop_app.ui.main_window import Services
from desktop_app.ui.training.start_job_dialog import StartJobDialog
from run_processes import run_processes_for_tests

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


def _window(qtbot):
    """The real main window as app.py builds it, shown."""
    services = Services(
        pools=TaskRunner(run_processes_for_tests()),
        prefs=Preferences(sample_shown=True),
        ui_state=UiState(),
        persist_prefs=False,
    )
    window = build_window(QApplication.instance(), services=services)
    qtbot.addWidget(window)
    window.show()
    return window


def test_training_menu_dock_and_problem_links_in_the_main_window(qtbot, tmp_path: Path) -> None:
    window = _window(qtbot)
    hub = window.extras.training
    # one task runner for the window, the training hub and the playground (app.py builds it)
    assert hub.tasks is window.pools and window.extras.try_services.tasks is window.pools
    titles = [a.text() for a in window.menuBar().actions()]
    assert "&Training" in titles
    assert window.findChild(QDockWidget, "jobs-dock") is hub.menu.dock
    assert not hub.menu.dock.isVisible()
    hub.menu.act_jobs.trigger()
    assert hub.menu.dock.isVisible()

    path = tmp_path / "ferns.jsonl"
    dataset = Dataset.from_values([chat_example(i) for i in range(1, 13)])
    dataset.insert_records(3, [dataset.make_raw_record('{"messages": [')])
    dataset.save(path)
    window.files.open_path(path)
    qtbot.waitUntil(lambda: not window.document.loading, timeout=20_000)

    hub.menu.act_start.trigger()
    dialog = window.findChild(StartJobDialog)
    assert dialog is not None and dialog.dataset is window.document.dataset
    assert dialog.provider_kind == "practice" and hub.practice.running
    qtbot.waitUntil(lambda: dialog.model_combo.count() > 0, timeout=10_000)
    dialog.start_checks()
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=30_000)
    assert dialog.outcome.blocked
    texts = [dialog.errors_list.item(i).text() for i in range(dialog.errors_list.count())]
    row = next(i for i, text in enumerate(texts) if text.startswith("Example 4:"))
    rect = dialog.errors_list.visualItemRect(dialog.errors_list.item(row))
    qtbot.mouseClick(dialog.errors_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.examples_pane.current_record() == 3, timeout=5_000)
    dialog.reject()

    window.document.undo_stack.setClean()
    window.close()  # closeEvent shuts the training hub down (and its practice server)
    assert hub.is_shut_down and not hub.tasks.busy_for(hub) and not hub.practice.running


def test_a_finished_jobs_try_button_opens_the_playground_with_both_models(
    qtbot, tmp_path: Path
) -> None:
    from desktop_app.core.providers.base import Job
    from desktop_app.core.training.job_key import JobKey
    from desktop_app.ui.playground.playground_window import PlaygroundWindow

    window = _window(qtbot)
    tuned = "ft:gpt-4.1-mini-2025-04-14:acme:ferns:abc123"
    # a job listed from the account (not started here): what the provider says is enough
    key = JobKey("openai", "default", "", "ftjob-1")
    job = Job("ftjob-1", "succeeded", "gpt-4.1-mini-2025-04-14", fine_tuned_model=tuned)
    window.extras.training.try_requested.emit(key, job)  # what the job view's button sends
    playground = window.findChild(PlaygroundWindow)
    assert playground is not None and playground.isVisible()
    assert playground.side_by_side.isChecked()
    assert playground.column_a.picker.endpoint().model == tuned
    assert playground.column_b.picker.endpoint().model == "gpt-4.1-mini-2025-04-14"
    playground.close()
    window.close()
