"""The practice server shows overtraining: too many epochs for the examples make the simulated
validation loss turn up (where the estimate's suggested epochs would have ended)."""

from __future__ import annotations

from typing import Any

from desktop_app.core.training.memorising import memorising_step


def _curve(client: Any, job_id: str) -> list[tuple[int, float | None, float | None]]:
    events = reversed(client.fine_tuning.jobs.list_events(job_id, limit=1000).data)
    metrics = [e.data for e in events if e.type == "metrics"]
    return [(m["step"], m["train_loss"], m.get("valid_loss")) for m in metrics]


def test_too_many_epochs_show_memorising(client, upload, make_jsonl, finished) -> None:
    job = client.fine_tuning.jobs.create(
        model="gpt-4o-mini",
        training_file=upload(make_jsonl(12)),
        validation_file=upload(make_jsonl(4), "valid.jsonl"),
        method={"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 25}}},
    )
    finished(job.id)
    points = _curve(client, job.id)
    step = memorising_step(points)
    total = points[-1][0]
    # 8 epochs would do for 12 examples: memorising sets in 8/25 of the way, and the validation
    # loss bottoms out soon after (while the training loss still falls steeply)
    assert step is not None and 0.3 * total <= step <= 0.6 * total


def test_automatic_epochs_do_not(client, upload, make_jsonl, finished) -> None:
    job = client.fine_tuning.jobs.create(
        model="gpt-4o-mini",
        training_file=upload(make_jsonl(12)),
        validation_file=upload(make_jsonl(4), "valid.jsonl"),
    )
    finished(job.id)
    assert memorising_step(_curve(client, job.id)) is None
