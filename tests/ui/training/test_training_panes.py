"""The Jobs pane, the start dialog's choices, notifications, and following jobs after a restart."""

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
from PySide6.QtWidgets import QMainWindow

from desktop_app.core.dataset.records import Dataset
from desktop_app.core.practice_server import PracticeServer
from desktop_app.core.providers.base import Job, JobError, JobRequest, UploadSource
from desktop_app.core.training.job_key import JobKey
from desktop_app.core.training.jobs import TrainingPlan, start_job
from desktop_app.ui.training import jobs_pane as jobs_pane_module
from desktop_app.ui.training.hub import TrainingHub
from desktop_app.ui.training.job_models import JobColumn
from desktop_app.ui.training.notifications import JobNotifier, finished_text

MODEL = "gpt-4.1-mini-2025-04-14"
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


def start_recorded(hub: TrainingHub, count: int = 12) -> JobKey:
    provider = hub.providers.get("practice", "local", hub.practice.base_url)
    data = chat_dataset(count).training_bytes()
    plan = TrainingPlan(MODEL, UploadSource.from_bytes(data, "ferns.jsonl"))
    job = start_job(provider, plan, store=hub.store).job
    return JobKey("practice", "local", provider.base_url, job.id)


def start_elsewhere(hub: TrainingHub) -> str:
    """A job the app has no record of (started from another tool)."""
    provider = hub.providers.get("practice", "local", hub.practice.base_url)
    ref = provider.upload_file(
        UploadSource.from_bytes(chat_dataset(12).training_bytes(), "x.jsonl")
    )
    return provider.create_job(JobRequest(model=MODEL, training_file=ref.id)).id


def preference_example(number: int) -> dict:
    return {
        "input": {"messages": [{"role": "user", "content": f"Describe fern {number}."}]},
        "preferred_output": [{"role": "assistant", "content": f"Fern {number} is lush."}],
        "non_preferred_output": [{"role": "assistant", "content": "A plant."}],
    }


# ---- the Jobs pane ------------------------------------------------------------------------------
def test_jobs_pane_pages_the_provider_list_and_merges_the_app_records(
    qtbot, qtmodeltester, hub: TrainingHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jobs_pane_module, "PAGE_SIZE", 2)
    first = start_recorded(hub)
    outside = start_elsewhere(hub)
    last = start_recorded(hub)
    pane = hub.jobs_pane(None)
    qtbot.addWidget(pane)
    pane.show()
    qtmodeltester.check(pane.model)
    assert pane.source == "app"
    assert {pane.model.row(i).key.job_id for i in range(pane.model.rowCount())} == {
        first.job_id,
        last.job_id,
    }
    assert "2 jobs" in pane.message.text()

    pane.set_source("practice")
    qtbot.waitUntil(
        lambda: pane.more_button.isVisible() and pane.more_button.isEnabled(), timeout=10_000
    )
    ids = [pane.model.row(i).key.job_id for i in range(pane.model.rowCount())]
    assert set(ids) == {first.job_id, last.job_id, outside}  # records + the first page, merged
    qtbot.mouseClick(pane.more_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not pane.more_button.isVisible(), timeout=10_000)
    rows = {pane.model.row(i).key.job_id: pane.model.row(i) for i in range(pane.model.rowCount())}
    assert len(rows) == 3 and rows[first.job_id].recorded and not rows[outside].recorded
    qtmodeltester.check(pane.model)

    index = pane.model.index(ids.index(last.job_id) if last.job_id in ids else 0, JobColumn.STATUS)
    assert pane.model.data(index, Qt.ItemDataRole.DisplayRole)
    row = next(i for i in range(pane.model.rowCount()) if pane.model.row(i).key.job_id == outside)
    with qtbot.waitSignal(pane.job_activated, timeout=2_000) as opened:
        pane.table.doubleClicked.emit(pane.model.index(row, JobColumn.JOB))
    assert opened.args[0].job_id == outside
    window = hub.job_window(opened.args[0])
    assert window is not None
    qtbot.waitUntil(
        lambda: window.view.state.job is not None and window.view.state.job.is_terminal,
        timeout=20_000,
    )
    assert "not started from this app" in window.view.provenance_label.text()


def test_jobs_pane_updates_a_row_while_the_job_runs(qtbot, practice_server: PracticeServer) -> None:
    practice_server.config.pace = 8.0  # about three seconds per job
    hub = make_hub(practice_server)
    try:
        key = start_recorded(hub)
        pane = hub.jobs_pane(None)
        qtbot.addWidget(pane)
        assert pane.model.row(0).job.status == "validating_files"
        hub.poller.watch(key)
        qtbot.waitUntil(lambda: pane.model.row(0).job.status == "succeeded", timeout=20_000)
        text = pane.model.index(0, JobColumn.STATUS).data()
        assert text == "Finished — the model is ready"
        assert pane.model.index(0, JobColumn.TUNED).data().startswith("ft:")
        assert pane.model.index(0, JobColumn.TOKENS).data()
    finally:
        assert hub.shutdown(20_000)


# ---- after a restart ----------------------------------------------------------------------------
def test_following_resumes_after_a_restart_and_notifies(
    qtbot, practice_server: PracticeServer
) -> None:
    practice_server.config.pace = 8.0
    before = make_hub(practice_server)
    key = start_recorded(before)
    assert before.shutdown(10_000)  # the app quits while the job runs

    window = QMainWindow()
    qtbot.addWidget(window)
    after = make_hub(practice_server, window=window)
    said: list[str] = []
    after.message.connect(said.append)  # the window's status line (wiring.py)
    try:
        with qtbot.waitSignal(after.poller.job_finished, timeout=30_000) as finished:
            assert after.resume() == [key]
        assert finished.args == [key]
        qtbot.waitUntil(lambda: bool(said))
        message = said[-1]
        assert message.startswith("Training finished: The model is ready on Practice mode: ft:")
        assert after.store.get(*key.record_key).status == "succeeded"
        assert after.resume() == []  # nothing left to follow
    finally:
        assert after.shutdown(10_000)


def test_practice_jobs_of_a_closed_app_are_not_followed(qtbot, tmp_path: Path) -> None:
    first = make_hub(None)
    key = start_recorded(first)
    assert first.shutdown(10_000)  # its practice server ends with it
    second = make_hub(None)
    try:
        assert second.resume() == []
        pane = second.jobs_pane(None)
        qtbot.addWidget(pane)
        row = pane.model.row(0)
        assert row.key == key and "ended when the app that ran it closed" in row.note
    finally:
        assert second.shutdown(10_000)


# ---- notifications ------------------------------------------------------------------------------
def test_notifications_fall_back_to_the_status_bar(qtbot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    notifier = JobNotifier(window)
    assert not notifier.uses_tray  # offscreen: no system tray
    done = Job(id="ftjob-1", status="succeeded", model=MODEL, fine_tuned_model="ft:x:y")
    with qtbot.waitSignal(notifier.shown, timeout=1_000):
        notifier.notify_job(done, "OpenAI")
    assert (
        window.statusBar().currentMessage()
        == "Training finished: The model is ready on OpenAI: ft:x:y"
    )
    failed = Job(
        id="ftjob-2",
        status="failed",
        model=MODEL,
        error=JobError(
            "invalid_n_examples",
            "Training file has 3 example(s), but must have at least 10 examples",
        ),
    )
    title, message = finished_text(failed)
    assert title == "Training failed" and message.startswith("The provider needs more examples")
    assert finished_text(Job(id="ftjob-3", status="cancelled", model=MODEL)) == (
        "Training stopped",
        "The job ftjob-3 was cancelled.",
    )


# ---- the start dialog's choices -----------------------------------------------------------------
def test_openai_shows_the_wind_down_dates_and_asks_for_a_key(qtbot, hub: TrainingHub) -> None:
    from datetime import date

    from desktop_app.core.models.today import pretend_today

    with pretend_today(date(2026, 12, 7)):  # a month before OpenAI's cut-off
        dialog = hub.start_training(None, chat_dataset(12))
        qtbot.addWidget(dialog)
        dialog.provider_combo.setCurrentIndex(dialog.provider_combo.findData("openai"))
        assert dialog.wind_down.isVisible()
        text = dialog.wind_down.text()
        assert "2027-01-06" in text and "winding down" in text
        qtbot.waitUntil(lambda: "no API key" in dialog.key_line.text(), timeout=5_000)
        dialog.model_combo.setCurrentIndex(dialog.model_combo.findData(MODEL))
        assert "shuts down on 2027-01-14" in dialog.model_info.text()
        assert dialog.model_combo.findData("gpt-4.1-nano-2025-04-14") < 0  # shut down: not offered
        assert dialog.model_combo.findData("davinci-002") < 0  # legacy completion model
        dialog.provider_combo.setCurrentIndex(dialog.provider_combo.findData("practice"))
        assert not dialog.wind_down.isVisible()


def test_the_checks_follow_the_rules_of_the_chosen_provider(qtbot, hub: TrainingHub) -> None:
    import socket

    with socket.socket() as closed:  # a local address nothing answers on: no model list
        closed.bind(("127.0.0.1", 0))
        address = f"http://127.0.0.1:{closed.getsockname()[1]}/v1"
    hub.config = hub.config.with_base_url("together", address).with_base_url("fireworks", address)
    turns = {
        "messages": [
            {"role": "user", "content": "Hi"},
            {"role": "user", "content": "Anyone there?"},
            {"role": "assistant", "content": "Yes."},
        ]
    }
    dataset = Dataset.from_values([chat_example(i) for i in range(12)] + [turns])
    outcomes = {}
    for kind in ("practice", "together", "fireworks"):
        dialog = hub.start_training(None, dataset)
        qtbot.addWidget(dialog)
        dialog.provider_combo.setCurrentIndex(dialog.provider_combo.findData(kind))
        if kind != "practice":
            dialog.model_combo.setEditText("meta-llama/Llama-3.2-1B-Instruct")
        else:
            qtbot.waitUntil(lambda d=dialog: d.model_combo.count() > 0, timeout=10_000)
        dialog.start_checks()
        qtbot.waitUntil(lambda d=dialog: d.outcome is not None, timeout=30_000)
        outcomes[kind] = dialog.outcome
        dialog.reject()
    assert not outcomes["practice"].blocked and not outcomes["fireworks"].blocked
    assert outcomes["together"].blocked
    [error] = outcomes["together"].errors
    assert error.record_index == 12
    assert error.text.startswith(
        "Example 13: Message 2 has the role “user” like the message before"
    )


def test_preference_data_trains_with_dpo_where_the_model_supports_it(
    qtbot, hub: TrainingHub
) -> None:
    dataset = Dataset.from_values([preference_example(i) for i in range(12)])
    dialog = hub.start_training(None, dataset)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model_combo.count() > 0, timeout=10_000)
    dialog.model_combo.setCurrentIndex(dialog.model_combo.findData(MODEL))
    assert dialog.method == "dpo" and dialog.settings.beta_row_visible  # behind "Advanced"
    dialog.model_combo.setCurrentIndex(dialog.model_combo.findData("gpt-4o-mini-2024-07-18"))
    assert dialog.method == "supervised"
    assert "cannot learn from them" in dialog.method_note.text()
    assert not dialog.settings.beta_row_visible
    dialog.start_checks()
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=30_000)
    assert dialog.outcome.blocked
    assert any("DPO" in f.text for f in dialog.outcome.errors)

    dialog._back_to_choose()
    dialog.model_combo.setCurrentIndex(dialog.model_combo.findData(MODEL))
    dialog.beta_spin.setValue(0.2)
    dialog.start_checks()
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=30_000)
    assert not dialog.outcome.blocked, [f.text for f in dialog.outcome.errors]
    plan = dialog.plan()
    assert plan.method == "dpo" and plan.beta == pytest.approx(0.2)


def test_a_validation_file_is_checked_and_estimated(
    qtbot, hub: TrainingHub, tmp_path: Path
) -> None:
    validation = tmp_path / "held_out.jsonl"
    Dataset.from_values([chat_example(1), chat_example(50)]).save(validation)  # 1 leaks
    dialog = hub.start_training(None, chat_dataset(12))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model_combo.count() > 0, timeout=10_000)
    dialog.set_validation_file(validation)
    dialog.epochs_spin.setValue(2)
    dialog.start_checks()
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=30_000)
    outcome = dialog.outcome
    assert not outcome.blocked
    assert outcome.validation is not None and outcome.validation_examples == 2
    assert outcome.estimate.epochs == 2 and not outcome.estimate.epochs_automatic
    assert any("validation" in f.text.lower() for f in outcome.warnings)  # the leaked example
    assert "Validation: <b>held_out.jsonl</b>" in dialog.choices_label.text()
    plan = dialog.plan()
    assert plan.validation is not None and plan.n_epochs == 2


@pytest.mark.parametrize("as_base64", [True, False])
def test_the_results_file_is_shown_as_csv_whether_sent_plain_or_base64(
    qtbot, practice_server: PracticeServer, as_base64: bool
) -> None:
    practice_server.config.results_base64 = as_base64
    hub = make_hub(practice_server)
    try:
        key = start_recorded(hub)
        view = hub.open_job(key).view
        qtbot.waitUntil(lambda: view.state.result_text is not None, timeout=20_000)
        lines = view.results.text.toPlainText().splitlines()
        assert lines[0] == "step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy"
        assert len(lines) > 10 and lines[1].startswith("1,")
        assert view.results.save_button.isEnabled()
    finally:
        assert hub.shutdown(20_000)
