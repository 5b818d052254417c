"""“Move this model” in the app: from a finished job, the start dialog on its exact files, a new
job on another provider with byte-for-byte the same data, then the two models paired for a blind
comparison on the validation prompts. Real practice server, real openai client, real keyring."""

from __future__ import annotations

from pathlib import Path

from training_helpers import (  # type: ignore[import-not-found]
    chat_dataset,
    hub_fixture,  # noqa: F401
    practice_server_fixture,  # noqa: F401
)

from desktop_app.core.providers.base import UploadSource
from desktop_app.core.training.job_key import JobKey
from desktop_app.core.training.jobs import TrainingPlan, provenance_path, start_job
from desktop_app.core.training.jobstore import JobRecord
from desktop_app.ui.playground.services import TryServices
from desktop_app.ui.training.hub import TrainingHub
from desktop_app.ui.training.jobs_pane import JobsPane
from desktop_app.ui.training.moving import compare_setup, moved_pair

MODEL = "gpt-4o-mini-2024-07-18"


def finished_job(qtbot, hub: TrainingHub, model: str = MODEL) -> JobRecord:
    """A practice job with a validation file, run to its end and recorded as the app does."""
    provider = hub.providers.get("practice", "local", hub.practice.base_url)
    data = chat_dataset(14).training_bytes().splitlines(keepends=True)
    plan = TrainingPlan(
        model,
        UploadSource.from_bytes(b"".join(data[:12]), "ferns.jsonl"),
        validation=UploadSource.from_bytes(b"".join(data[12:]), "ferns_validation.jsonl"),
    )
    job = start_job(provider, plan, store=hub.store).job
    return run_to_the_end(qtbot, hub, job.id)


def run_to_the_end(qtbot, hub: TrainingHub, job_id: str) -> JobRecord:
    """Wait until the practice job succeeded and record it as the app's poller does."""
    provider = hub.providers.get("practice", "local", hub.practice.base_url)
    qtbot.waitUntil(lambda: provider.get_job(job_id).status == "succeeded", timeout=30_000)
    hub.store.record_job(
        provider.get_job(job_id), provider="practice", account="local", base_url=provider.base_url
    )
    return hub.store.get("practice", "local", job_id)


def select(qtbot, pane: JobsPane, job_id: str) -> None:
    qtbot.waitUntil(lambda: any(r.job.id == job_id for r in pane.model.rows()), timeout=10_000)
    row = next(i for i, r in enumerate(pane.model.rows()) if r.job.id == job_id)
    pane.table.setCurrentIndex(pane.model.index(row, 0))


def test_move_a_finished_model_then_compare_old_and_new_blind(
    qtbot, hub: TrainingHub, tmp_path: Path
) -> None:
    old = finished_job(qtbot, hub)
    pane = hub.jobs_pane()
    qtbot.addWidget(pane)
    select(qtbot, pane, old.job_id)
    assert pane.move_button.isEnabled() and not pane.compare_button.isEnabled()

    dialog = hub.move_model(None, JobKey("practice", "local", old.base_url, old.job_id))
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Move this model"
    assert old.fine_tuned_model in dialog.findChild(type(dialog.model_info), "start-intro").text()
    assert dialog.guide.isVisibleTo(dialog)  # where to go: the guide is open
    assert dialog.provider_kind == "together"  # a move goes elsewhere by default
    assert dialog.validation_choice().path == provenance_path(old.validation_sha256)

    dialog.provider_combo.setCurrentIndex(dialog.provider_combo.findData("practice"))
    qtbot.waitUntil(
        lambda: dialog.model_combo.findData("gpt-4.1-mini-2025-04-14") >= 0, timeout=10_000
    )
    dialog.model_combo.setCurrentIndex(dialog.model_combo.findData("gpt-4.1-mini-2025-04-14"))
    dialog.start_checks()
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=30_000)
    assert not dialog.outcome.blocked, [f.text for f in dialog.outcome.errors]
    dialog.confirm_check.setChecked(True)
    with qtbot.waitSignal(dialog.job_started, timeout=30_000) as started:
        dialog.start_upload()
    key = started.args[0]
    new = hub.store.get(key.provider, key.account, key.job_id)
    assert (new.training_sha256, new.validation_sha256) == (
        old.training_sha256,
        old.validation_sha256,
    )
    assert new.model == "gpt-4.1-mini-2025-04-14"

    run_to_the_end(qtbot, hub, new.job_id)
    pair = moved_pair(hub.store, hub.store.get("practice", "local", old.job_id))
    assert pair is not None
    assert (pair.old.job_id, pair.new.job_id) == (old.job_id, new.job_id)
    assert pair.prompts == provenance_path(old.validation_sha256)

    pane.reload()
    select(qtbot, pane, new.job_id)
    qtbot.waitUntil(pane.compare_button.isEnabled, timeout=10_000)
    with qtbot.waitSignal(hub.compare_requested, timeout=5_000) as asked:
        pane.compare_button.click()
    jobs = [
        (j.job_id, j.created_at, j.recorded_at, (j.training_sha256 or "")[:8], j.fine_tuned_model)
        for j in hub.store.list_jobs(limit=50)
    ]
    assert asked.args[0].new.job_id == new.job_id, (old.job_id, new.job_id, jobs)

    services = TryServices(store=lambda: hub.store, practice_url=lambda: hub.practice.base_url)
    try:
        setup = compare_setup(None, services, pair)
        qtbot.addWidget(setup)
        assert setup.file_radio.isChecked() and setup.path.text() == str(pair.prompts)
        assert setup.picker_a.endpoint().model == old.fine_tuned_model
        assert setup.picker_b.endpoint().model == pair.new.fine_tuned_model
    finally:
        assert services.shutdown(20_000)
