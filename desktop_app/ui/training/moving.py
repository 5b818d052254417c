"""“Move this model” in the app: from a finished job, the start dialog on the exact files it was
sent (core.training.move_model) to train them on another provider; once both models exist, a blind
comparison of the two on the validation prompts (the playground's Compare window).

The old and the new job are paired by the content hash of their training file, so nothing extra
needs storing: any two finished jobs trained on the same file can be compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QWidget

from desktop_app.core.dataset.records import Dataset
from desktop_app.core.errors import UserFacingError
from desktop_app.core.providers.base import JobStatus
from desktop_app.core.training.jobs import provenance_path
from desktop_app.core.training.jobstore import JobRecord, JobStore
from desktop_app.core.training.move_model import moved_data
from desktop_app.ui.errors import show_error

if TYPE_CHECKING:
    from desktop_app.ui.training.hub import TrainingHub
    from desktop_app.ui.training.start_job_dialog import StartJobDialog


@dataclass(frozen=True, slots=True)
class MovedPair:
    """An older and a newer finished model trained on the same file, and the prompts to ask."""

    old: JobRecord
    new: JobRecord
    prompts: Path


def can_move(record: JobRecord | None) -> bool:
    return (
        record is not None
        and record.status == JobStatus.SUCCEEDED
        and bool(record.fine_tuned_model)
        and bool(record.training_sha256)
    )


def moved_pair(store: JobStore, record: JobRecord | None) -> MovedPair | None:
    """`record` and another finished model trained on the same file, older one first: the
    first model trained on it (the one being moved away from), or, when `record` is that
    first one, the newest model trained on it since."""
    if not can_move(record):
        return None
    assert record is not None
    same_file = [  # newest first, as the store lists them (ties: the later recorded first)
        job
        for job in store.list_jobs(limit=500)
        if job.job_id == record.job_id
        or (
            job.training_sha256 == record.training_sha256
            and can_move(job)
            and job.fine_tuned_model != record.fine_tuned_model
        )
    ]
    if len(same_file) < 2 or all(job.job_id != record.job_id for job in same_file):
        return None
    first, newest = same_file[-1], same_file[0]
    old, new = (first, record) if first.job_id != record.job_id else (record, newest)
    sha = old.validation_sha256 or old.training_sha256 or ""
    return MovedPair(old, new, provenance_path(sha))


def open_move_dialog(
    hub: TrainingHub, parent: QWidget | None, record: JobRecord
) -> StartJobDialog | None:
    """The start dialog on the job's exact files (a plain message when they are gone)."""
    from desktop_app.ui.training.start_job_dialog import StartJobDialog

    try:
        moved = moved_data(record)
        dataset = Dataset.open(moved.training_copy)
    except UserFacingError as error:
        show_error(parent, error, "Could not move this model")
        return None
    name = Path(record.dataset_path).name if record.dataset_path else f"{record.job_id}.jsonl"
    dialog = StartJobDialog(
        hub, dataset, path=moved.training_copy, name=name, parent=parent, moving=moved
    )
    dialog.job_started.connect(hub.on_job_started)
    dialog.open()
    return dialog


def compare_setup(parent: QWidget | None, services: Any, pair: MovedPair) -> Any:
    """The playground's Compare setup with the old and the new model and the old job's
    validation prompts (its training prompts when it had no validation file) filled in."""
    from desktop_app.ui.playground import CompareSetupDialog

    dialog = CompareSetupDialog(services, parent=parent)
    dialog.path.setText(str(pair.prompts))
    dialog.file_radio.setChecked(True)
    by_model = {e.model: e for e in services.endpoint_choices()}
    for picker, record in ((dialog.picker_a, pair.old), (dialog.picker_b, pair.new)):
        endpoint = by_model.get(record.fine_tuned_model or "")
        if endpoint is not None:
            picker.set_endpoint(endpoint)
    return dialog


def compare_blind(parent: QWidget | None, services: Any, pair: MovedPair) -> Any:
    """Ask, then run the comparison in its own window, where the replies are rated blind."""
    from desktop_app.ui.playground import run_setup

    return run_setup(parent, services, compare_setup(parent, services, pair))
