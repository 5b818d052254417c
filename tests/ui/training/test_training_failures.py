"""Failures, in plain words: checks that block, jobs the provider fails, faults from the server.

A failing job is made the way `ftstudio train --no-checks` would (core start_job, skipping the
dialog's checks), so the practice server judges the file exactly as OpenAI does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from training_helpers import (  # type: ignore[import-not-found]
    chat_dataset,
    chat_example,
    hub_fixture,  # noqa: F401 (a pytest fixture)
    make_hub,
    practice_server_fixture,  # noqa: F401 (a pytest fixture)
)

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow, QMessageBox

from desktop_app.core.dataset.records import Dataset
from desktop_app.core.practice_server import Fault, PracticeServer
from desktop_app.core.providers.base import UploadSource
from desktop_app.core.training.job_key import JobKey
from desktop_app.core.training.jobs import TrainingPlan, start_job
from desktop_app.ui.training.hub import TrainingHub

MODEL = "gpt-4.1-mini-2025-04-14"
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


def start_unchecked(hub: TrainingHub, dataset: Dataset, path: Path) -> JobKey:
    """Send the dataset without the app's checks (as `ftstudio train --no-checks` does)."""
    provider = hub.providers.get("practice", "local", hub.practice.base_url)
    plan = TrainingPlan(
        model=MODEL,
        training=UploadSource.from_bytes(dataset.training_bytes(), path.name),
        dataset_path=str(path),
    )
    job = start_job(provider, plan, store=hub.store).job
    return JobKey(provider.kind, provider.account, provider.base_url, job.id)


def test_checks_block_and_each_problem_links_to_its_example(qtbot, hub: TrainingHub) -> None:
    broken = Dataset.from_values([chat_example(1), chat_example(2)])
    broken.insert_records(1, [broken.make_raw_record('{"messages": [')])
    dialog = hub.start_training(None, broken)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model_combo.count() > 0, timeout=10_000)
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=30_000)

    assert dialog.outcome.blocked
    texts = [dialog.errors_list.item(i).text() for i in range(dialog.errors_list.count())]
    assert any(t.startswith("Example 2:") for t in texts), texts  # the broken line
    assert any("fewer examples" in t or "at least" in t for t in texts), texts
    assert "must be fixed before training" in dialog.check_title.text()
    assert not dialog.confirm_check.isVisible() and not dialog.start_button.isEnabled()
    # a piece of an example written over several lines: the repair, not each line, is the way
    assert "File ▸ Repair File…" in dialog.check_page.errors_label.text()
    for found in (dialog.errors_list, dialog.warnings_list):  # a long finding wraps in its list
        found.addItem("A finding longer than the list is wide, " * 4)
        qtbot.waitUntil(lambda f=found: _fits(f), timeout=5_000)

    row = next(i for i, t in enumerate(texts) if t.startswith("Example 2:"))
    with qtbot.waitSignal(hub.example_requested, timeout=2_000) as selected:
        item = dialog.errors_list.item(row)
        rect = dialog.errors_list.visualItemRect(item)
        qtbot.mouseClick(
            dialog.errors_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center()
        )
    assert selected.args[0] == 1  # record index of line 2
    assert hub.practice.running and not any(
        r.path.endswith("/files") for r in hub.practice.server.requests
    ), "nothing may be uploaded when the checks fail"


def _fits(found) -> bool:
    """Every entry of a list inside its width (none runs off the side)."""
    rects = [found.visualItemRect(found.item(i)) for i in range(found.count())]
    return all(r.isValid() and r.right() < found.viewport().width() for r in rects)


def test_blocking_problems_in_the_examples_say_to_fix_them_there(qtbot, hub: TrainingHub) -> None:
    dialog = hub.start_training(None, Dataset.from_values([chat_example(1), chat_example(2)]))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model_combo.count() > 0, timeout=10_000)
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=30_000)
    assert dialog.outcome.blocked  # too few examples: nothing the repair would change
    assert dialog.check_page.errors_label.text().startswith("Click a problem to go to its example")


def test_a_failed_job_is_explained_and_points_at_the_example(
    qtbot, practice_server: PracticeServer, tmp_path: Path
) -> None:
    values = [chat_example(i) for i in range(1, 13)]
    values[3]["messages"][1]["role"] = "robot"  # example 4: a role the provider refuses
    dataset = Dataset.from_values(values)
    dataset.insert_records(1, [dataset.make_raw_record("")])  # a blank line: example 4 is line 5
    path = tmp_path / "ferns.jsonl"
    dataset.save(path)
    window = QMainWindow()
    qtbot.addWidget(window)
    hub = make_hub(practice_server, window=window, current_dataset=lambda: dataset)
    said: list[str] = []
    hub.message.connect(said.append)  # the window's status line (wiring.py)
    try:
        key = start_unchecked(hub, dataset, path)
        hub.poller.watch(key, hub.store.get(*key.record_key).job())
        view = hub.open_job(key).view
        qtbot.waitUntil(
            lambda: view.example_button.isVisible() and view.example_button.isEnabled(),
            timeout=20_000,
        )
        text = view.failure.text()
        assert "could not use the training file" in text and "Example 4 is the problem" in text
        assert "Fix that example" in text
        assert "Traceback" not in text and "Error(" not in text
        assert view.example_button.text() == "Show example 5 in the editor"
        with qtbot.waitSignal(hub.example_requested, timeout=2_000) as selected:
            qtbot.mouseClick(view.example_button, Qt.MouseButton.LeftButton)
        assert selected.args == [4, -1]
        assert "✖ Failed" in view.timeline.labels[3].text()
        # the status line says so too (offscreen there is no system tray to notify)
        qtbot.waitUntil(lambda: any("Training failed" in line for line in said), timeout=5_000)
        assert "Example 4 is the problem" in said[-1]
    finally:
        assert hub.shutdown(20_000)


def test_too_few_examples_is_explained_in_plain_words(
    qtbot, hub: TrainingHub, tmp_path: Path
) -> None:
    path = tmp_path / "tiny.jsonl"
    dataset = chat_dataset(3, path)
    key = start_unchecked(hub, dataset, path)
    view = hub.open_job(key).view
    qtbot.waitUntil(lambda: view.failure.isVisible(), timeout=20_000)
    text = view.failure.text()
    assert "The provider needs more examples" in text
    assert "Training file has 3 example(s), but must have at least 10 examples" in text
    assert "Add examples until the file has at least 10" in text
    assert not view.cancel_button.isVisible()  # a finished job cannot be cancelled


def test_a_server_error_when_creating_the_job_is_shown_plainly(
    qtbot, hub: TrainingHub, practice_server: PracticeServer, tmp_path: Path
) -> None:
    practice_server.faults.add(
        Fault("status", method="POST", path=r"^/fine_tuning/jobs$", status=500, times=0)
    )
    path = tmp_path / "ferns.jsonl"
    dialog = hub.start_training(None, chat_dataset(12, path), path=path)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model_combo.count() > 0, timeout=10_000)
    dialog.start_checks()
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=30_000)
    dialog.confirm_check.setChecked(True)
    dialog.start_upload()
    qtbot.waitUntil(lambda: dialog.findChild(QMessageBox, "error-box") is not None, timeout=20_000)
    box = dialog.findChild(QMessageBox, "error-box")
    assert box.text() == "The practice server had a problem on its side (error 500)."
    assert box.informativeText() == "Try again in a few minutes. Nothing was lost."
    assert "job was not started" in dialog.check_title.text()
    assert dialog.pages.currentIndex() == dialog.CHECK and not dialog.confirm_check.isChecked()
    box.close()
    creates = [
        r
        for r in practice_server.requests
        if r.method == "POST" and r.path.endswith("/fine_tuning/jobs")
    ]
    assert len(creates) == 3  # bounded retries, then a plain message
    assert hub.store.list_jobs() == []


def test_a_rate_limit_while_following_is_shown_and_recovered_from(
    qtbot, hub: TrainingHub, practice_server: PracticeServer, tmp_path: Path
) -> None:
    path = tmp_path / "ferns.jsonl"
    key = start_unchecked(hub, chat_dataset(12, path), path)
    # every attempt of one check is refused (3 tries), with a short retry-after
    practice_server.faults.add(
        Fault(
            "status",
            method="GET",
            path=rf"/fine_tuning/jobs/{key.job_id}$",
            status=429,
            retry_after=0.2,
            times=3,
        )
    )
    view = hub.open_job(key).view
    qtbot.waitUntil(lambda: view.poll_banner.isVisible(), timeout=10_000)
    banner = view.poll_banner.text()
    assert banner.startswith(
        "Could not check on the job just now: The practice server is busy (rate limit)."
    )
    assert "tries again by itself" in banner
    qtbot.waitUntil(
        lambda: view.state.job is not None and view.state.job.status == "succeeded", timeout=30_000
    )
    assert not view.poll_banner.isVisible()


def test_the_findings_lists_share_the_room_by_how_much_each_holds(qtbot, hub: TrainingHub) -> None:
    from desktop_app.core.dataset.templates import sample_path

    dialog = hub.start_training(None, Dataset.open(sample_path()))  # 3 errors, 9 warnings
    qtbot.addWidget(dialog)
    dialog.resize(1000, 680)
    qtbot.waitUntil(lambda: dialog.model_combo.count() > 0, timeout=10_000)
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=30_000)
    errors, warnings = dialog.errors_list, dialog.warnings_list
    assert (errors.count(), warnings.count()) == (3, 9)
    last = warnings.item(warnings.count() - 1)
    qtbot.waitUntil(  # every warning in sight without scrolling (it had 5 lines beside 3 errors)
        lambda: warnings.visualItemRect(last).bottom() < warnings.viewport().height(),
        timeout=5_000,
    )
    assert errors.height() < warnings.height()
