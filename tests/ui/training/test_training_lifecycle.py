"""Cancel and quit: an upload cancelled half-way starts nothing, and quitting while uploading or
polling stops every worker at once (no hang, no "QThread: Destroyed while thread is still
running": Qt warnings fail these tests, and the conftest fails a test that leaves a thread).
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from training_helpers import (  # type: ignore[import-not-found]
    chat_dataset,
    hub_fixture,  # noqa: F401 (a pytest fixture)
    make_hub,
    practice_server_fixture,  # noqa: F401 (a pytest fixture)
)

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMainWindow

from desktop_app.core.practice_server import Fault
from desktop_app.core.providers.base import UploadSource
from desktop_app.core.training.job_key import JobKey
from desktop_app.core.training.jobs import TrainingPlan, start_job
from desktop_app.core.training.jobstore import JobStore
from desktop_app.ui.training.hub import TrainingHub
from desktop_app.ui.training.start_job_dialog import StartJobDialog

MODEL = "gpt-4.1-mini-2025-04-14"
PARTS = {"multipart_threshold": 1024, "part_size": 512}  # a small file in many parts
NEVER = 3600.0  # seconds: longer than any shutdown wait (20 s), so waiting it out would fail
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


class AppWindow(QMainWindow):
    """Stands in for the main window: it shuts the training hub down when it closes."""

    def __init__(self) -> None:
        super().__init__()
        self.hub: TrainingHub | None = None
        self.shutdown_ok: bool | None = None

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.hub is not None:
            self.shutdown_ok = self.hub.shutdown(20_000)
        event.accept()


def confirmed_dialog(qtbot, hub: TrainingHub, tmp_path: Path) -> StartJobDialog:
    path = tmp_path / "ferns.jsonl"
    dialog = hub.start_training(None, chat_dataset(12, path), path=path)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model_combo.count() > 0, timeout=10_000)
    dialog.start_checks()
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=30_000)
    dialog.confirm_check.setChecked(True)
    return dialog


def part_requests(server) -> list:
    return [r for r in server.requests if r.path.endswith("/parts")]


def test_cancel_during_the_upload_starts_nothing(qtbot, tmp_path: Path) -> None:
    hub = make_hub(None, **PARTS)  # the hub runs its own practice server
    try:
        dialog = confirmed_dialog(qtbot, hub, tmp_path)
        server = hub.practice.server
        server.faults.add(Fault("slow", method="POST", path=r"/parts$", delay=0.3, times=0))
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
        assert dialog.pages.currentIndex() == dialog.UPLOAD
        qtbot.waitUntil(lambda: len(part_requests(server)) >= 1, timeout=10_000)
        assert dialog.cancel_upload_button.isEnabled()
        qtbot.mouseClick(dialog.cancel_upload_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "Upload cancelled" in dialog.check_title.text(), timeout=10_000)
        assert "No job was started" in dialog.check_title.text()
        assert dialog.pages.currentIndex() == dialog.CHECK and not dialog.start_button.isEnabled()
        total = dialog.outcome.training.size
        assert len(part_requests(server)) < -(-total // PARTS["part_size"])  # stopped early
        assert any(r.path.endswith("/cancel") and "/uploads/" in r.path for r in server.requests)
        assert not any(
            r.path.endswith("/fine_tuning/jobs") and r.method == "POST" for r in server.requests
        )
        assert hub.store.list_jobs() == []
    finally:
        assert hub.shutdown(20_000)


def test_quitting_during_an_upload_stops_at_once(qtbot, tmp_path: Path) -> None:
    window = AppWindow()
    qtbot.addWidget(window)
    hub = make_hub(None, window=window, **PARTS)
    window.hub = hub
    dialog = confirmed_dialog(qtbot, hub, tmp_path)
    server = hub.practice.server
    # An answer that never comes in a test's lifetime: shutdown can only succeed by cutting it off.
    server.faults.add(Fault("slow", method="POST", path=r"/parts$", delay=NEVER, times=0))
    dialog.start_upload()
    qtbot.waitUntil(lambda: len(part_requests(server)) >= 1, timeout=10_000)
    assert hub.tasks.busy_for(hub)
    window.close()
    assert window.shutdown_ok is True
    assert not hub.tasks.busy_for(hub) and hub.is_shut_down
    with JobStore() as store:  # the records on disk, not the hub's closed handle
        assert store.list_jobs() == []


def test_quitting_while_following_a_job_stops_at_once(qtbot, tmp_path: Path) -> None:
    window = AppWindow()
    qtbot.addWidget(window)
    hub = make_hub(None, window=window)
    window.hub = hub
    provider = hub.providers.get("practice", "local", hub.practice.base_url)
    plan = TrainingPlan(
        MODEL, UploadSource.from_bytes(chat_dataset(12).training_bytes(), "f.jsonl")
    )
    job = start_job(provider, plan, store=hub.store).job
    key = JobKey("practice", "local", provider.base_url, job.id)
    hub.practice.server.faults.add(
        Fault("slow", method="GET", path=rf"/jobs/{job.id}$", delay=NEVER, times=0)
    )
    pane = hub.jobs_pane(window)
    window.setCentralWidget(pane)
    window.show()
    view = hub.open_job(key).view
    qtbot.waitUntil(lambda: hub.poller.in_flight(key), timeout=5_000)
    assert hub.poller.is_watching(key) and view.isVisible()
    window.close()
    assert window.shutdown_ok is True
    assert not hub.poller.active and hub.poller.watched == []
    assert hub.job_window(key) is None and not view.isVisible()


def test_pause_resume_and_cancel_from_the_job_view(qtbot, practice_server, tmp_path: Path) -> None:
    practice_server.config.pace = 2.0  # slow enough to click while it trains
    hub = make_hub(practice_server)
    try:
        provider = hub.providers.get("practice", "local", hub.practice.base_url)
        plan = TrainingPlan(
            MODEL, UploadSource.from_bytes(chat_dataset(12).training_bytes(), "f.jsonl")
        )
        job = start_job(provider, plan, store=hub.store).job
        key = JobKey("practice", "local", provider.base_url, job.id)
        view = hub.open_job(key).view
        qtbot.waitUntil(
            lambda: view.pause_button.isVisible() and view.pause_button.isEnabled(), timeout=20_000
        )  # training
        assert view.cancel_button.isVisible() and not view.resume_button.isVisible()
        qtbot.mouseClick(view.pause_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: view.resume_button.isVisible() and view.resume_button.isEnabled(),
            timeout=10_000,
        )
        assert view.state.job.status == "paused" and "Paused" in view.timeline.labels[2].text()
        qtbot.mouseClick(view.resume_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: view.pause_button.isVisible() and view.cancel_button.isEnabled(), timeout=10_000
        )
        qtbot.mouseClick(view.cancel_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: view.state.job.status == "cancelled", timeout=10_000)
        assert not view.cancel_button.isVisible() and not view.pause_button.isVisible()
        assert "✖ Cancelled" in view.timeline.labels[3].text()
        # the job record is written by the worker that ran the cancel, a moment after the view
        qtbot.waitUntil(
            lambda: hub.store.get(*key.record_key).status == "cancelled", timeout=10_000
        )
    finally:
        assert hub.shutdown(20_000)


def test_a_provider_that_cannot_pause_says_so_and_a_missing_key_is_explained(
    qtbot, hub: TrainingHub
) -> None:
    key = JobKey("together", "default", "", "ft-0123456789")
    view = hub.open_job(key).view
    assert view.pause_button.isHidden() and view.resume_button.isHidden()
    assert view.capability_note.text() == "Together AI does not offer pausing a job."
    qtbot.waitUntil(lambda: view.poll_banner.isVisible(), timeout=10_000)
    banner = view.poll_banner.text()
    assert banner.startswith(
        "Could not check on the job just now: There is no API key for Together AI yet."
    )
    assert "Training → Keys and Providers…" in banner


def test_the_same_content_is_not_uploaded_twice(
    qtbot, hub: TrainingHub, practice_server, tmp_path: Path
) -> None:
    for _attempt in range(2):
        dialog = confirmed_dialog(qtbot, hub, tmp_path)
        with qtbot.waitSignal(hub.job_started, timeout=20_000):
            dialog.start_upload()
    uploads = [
        r for r in practice_server.requests if r.method == "POST" and r.path.endswith("/files")
    ]
    assert len(uploads) == 1  # the second job reused the file (content hash → file id)
    second, first = hub.store.list_jobs()
    assert first.training_file_id == second.training_file_id
    assert first.training_sha256 == second.training_sha256


def test_quitting_keeps_the_window_painting_while_a_call_ends(hub) -> None:
    """A call that only ends once the window's own event loop runs again (a timer here, a slow
    server's late answer in life): quitting waits for it with the loop running, not frozen."""
    released = threading.Event()

    def slow(*, cancel, progress) -> str:
        assert released.wait(10), "the window's timers did not run while quitting waited"
        return "done"

    hub.call(slow)
    QTimer.singleShot(50, released.set)
    assert hub.shutdown(5_000)
    assert released.is_set()
