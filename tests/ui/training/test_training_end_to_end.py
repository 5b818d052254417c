"""End to end: start a practice job from the dialog and watch it to the end in the job view.

The real openai client talks HTTP to a real practice server on 127.0.0.1 (fast pace); the
dialog runs the real checks, the upload goes through core.training.jobs.start_job, the job view is
fed by the QTimer-driven poller.
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

from desktop_app.core.practice_server import PracticeServer
from desktop_app.core.training.job_key import JobKey
from desktop_app.core.training.jobs import provenance_path
from desktop_app.ui.training.hub import TrainingHub
from desktop_app.ui.training.start_job_dialog import StartJobDialog

MODEL = "gpt-4.1-mini-2025-04-14"
# the offscreen platform cannot size or raise windows; that is all these warnings say
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


def open_dialog(qtbot, hub: TrainingHub, dataset, path: Path | None = None) -> StartJobDialog:
    dialog = hub.start_training(None, dataset, path=path)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model_combo.count() > 0, timeout=10_000)
    return dialog


def pick(dialog: StartJobDialog, provider: str, model: str = MODEL) -> None:
    dialog.provider_combo.setCurrentIndex(dialog.provider_combo.findData(provider))
    index = dialog.model_combo.findData(model)
    assert index >= 0, f"{model} is not offered"
    dialog.model_combo.setCurrentIndex(index)


def check_and_confirm(qtbot, dialog: StartJobDialog) -> None:
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=30_000)
    assert not dialog.outcome.blocked, [f.text for f in dialog.outcome.errors]
    assert not dialog.start_button.isEnabled(), (
        "nothing may be sent before the estimate is confirmed"
    )
    dialog.confirm_check.setChecked(True)
    assert dialog.start_button.isEnabled()


def test_practice_job_runs_from_the_dialog_to_a_finished_job_view(
    qtbot, qtmodeltester, hub: TrainingHub, practice_server: PracticeServer, tmp_path: Path
) -> None:
    path = tmp_path / "ferns.jsonl"
    dataset = chat_dataset(12, path)
    dialog = open_dialog(qtbot, hub, dataset, path)
    assert dialog.provider_kind == "practice"
    assert "nothing leaves this computer" in dialog.provider_combo.currentText()
    pick(dialog, "practice")
    dialog.suffix_edit.setText("ferns")

    check_and_confirm(qtbot, dialog)
    estimate = " ".join(
        label.text() for label in dialog.estimate_box.findChildren(type(dialog.check_title))
    )
    assert "12" in estimate and "Free" in estimate
    said: list[str] = []
    hub.message.connect(said.append)

    with qtbot.waitSignal(hub.job_started, timeout=20_000) as started:
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    key = started.args[0]
    assert isinstance(key, JobKey) and key.provider == "practice"
    assert not dialog.isVisible()

    window = hub.job_window(key)
    assert window is not None and window.isVisible()
    view = window.view

    def finished() -> bool:
        state = view.state
        return (
            state.job is not None
            and state.job.status == "succeeded"
            and state.result_text is not None
            and view.checkpoints_model.rowCount() > 0
        )

    qtbot.waitUntil(finished, timeout=30_000)
    # the charts filled from the live metrics events
    assert view.charts.train_loss.count() >= 20
    assert view.charts.train_accuracy.count() >= 20
    first, last = (
        view.charts.train_loss.at(0),
        view.charts.train_loss.at(view.charts.train_loss.count() - 1),
    )
    assert last.y() < first.y(), "the practice loss curve falls"
    # checkpoints with their metrics, the result file, the finished timeline
    assert view.checkpoints_model.rowCount() >= 1
    assert view.checkpoints_model.index(0, 1).data()  # training loss shown
    assert view.results.text.toPlainText().startswith("step,train_loss")
    assert "Model ready" in view.timeline.labels[3].text()
    assert "ferns" in view.details.text() and "ft:" in view.details.text()
    # the job billed the tokens the estimate showed
    trained = dialog.outcome.estimate.trained_tokens
    assert view.state.job.trained_tokens == trained and f"{trained:,} trained tokens" in (
        view.details.text()
    )
    # the window's status line moves on from “… started.”
    qtbot.waitUntil(lambda: bool(said) and said[-1].startswith("Training finished: "))
    assert said[-1].endswith(view.state.job.fine_tuned_model)
    assert view.events_model.rowCount() > 20
    qtmodeltester.check(view.events_model)
    qtmodeltester.check(view.checkpoints_model)

    # the job store has the record, with the exact bytes sent kept for provenance
    record = hub.store.get(*key.record_key)
    assert record is not None and record.status == "succeeded"
    assert record.dataset_path == str(path)
    assert provenance_path(record.training_sha256).read_bytes() == dataset.training_bytes()
    qtbot.waitUntil(lambda: "has not changed" in view.provenance_label.text(), timeout=10_000)

    # the poller stopped following the finished job
    qtbot.waitUntil(lambda: not hub.poller.is_watching(key), timeout=5_000)

    # the next step: try the tuned model beside its base model
    assert view.try_button.isVisible()
    with qtbot.waitSignal(hub.try_requested, timeout=2_000) as asked:
        qtbot.mouseClick(view.try_button, Qt.MouseButton.LeftButton)
    tried_key, tried = asked.args
    assert tried_key == key
    assert (tried.fine_tuned_model, tried.model) == (view.state.job.fine_tuned_model, MODEL)


def test_provenance_counts_what_changed_since_the_job(
    qtbot, practice_server: PracticeServer, tmp_path: Path
) -> None:
    path = tmp_path / "ferns.jsonl"
    dataset = chat_dataset(12, path)
    current = {"dataset": dataset}
    hub = make_hub(practice_server, current_dataset=lambda: current["dataset"])
    try:
        dialog = open_dialog(qtbot, hub, dataset, path)
        pick(dialog, "practice")
        check_and_confirm(qtbot, dialog)
        with qtbot.waitSignal(hub.job_started, timeout=20_000) as started:
            dialog.start_button.click()
        view = hub.job_window(started.args[0]).view
        qtbot.waitUntil(lambda: "has not changed" in view.provenance_label.text(), timeout=10_000)

        # edit the open dataset: one reply changed, one example removed, two added
        dataset.set_value(0, chat_example(1, reply="Mist fern 1 daily."))
        dataset.remove(5)
        dataset.insert_values(len(dataset), [chat_example(100), chat_example(101)])
        view.load_provenance()
        qtbot.waitUntil(lambda: "2 added" in view.provenance_label.text(), timeout=10_000)
        text = view.provenance_label.text()
        assert "1 changed" in text and "1 removed" in text and "(10 unchanged)" in text
    finally:
        assert hub.shutdown(20_000)
