"""“Move this model”: the exact files a finished job was sent, ready to train on another provider.

The job store keeps each job's content hashes and core.training.jobs keeps a copy of the files sent
(provenance). `moved_data` turns them back into upload sources (without a byte-order mark an
Azure upload added), so the new job trains on byte-for-byte the same examples; the validation
file gives the prompts for a blind comparison of the old and the new model.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop_app.core.errors import UserFacingError
from desktop_app.core.providers.base import UploadSource
from desktop_app.core.training.jobs import provenance_path
from desktop_app.core.training.jobstore import JobRecord, JobStore

_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class MovedData:
    record: JobRecord
    training: UploadSource
    validation: UploadSource | None
    method: str
    training_copy: Path
    validation_copy: Path | None

    @property
    def old_model(self) -> str:
        return self.record.fine_tuned_model or ""


def find_job(store: JobStore, job_id: str) -> JobRecord:
    records = store.find(job_id)
    if not records:
        raise UserFacingError(
            f"The app has no record of a job “{job_id}”.",
            "Only jobs started from Finetune Studio on this computer keep their files. List them "
            "with “ftstudio jobs”.",
        )
    return records[0]


def moved_data(record: JobRecord) -> MovedData:
    """The files the job was sent, as they were; an error in plain words when a copy is gone."""
    if not record.training_sha256:
        raise UserFacingError(
            f"The job {record.job_id} has no copy of its training file.",
            "Only jobs started from Finetune Studio keep one. Open the dataset and train it again.",
        )
    training_copy = _copy(record.training_sha256, record, "training")
    validation_copy = (
        _copy(record.validation_sha256, record, "validation") if record.validation_sha256 else None
    )
    stem = Path(record.dataset_path).stem if record.dataset_path else record.job_id
    return MovedData(
        record=record,
        training=_source(training_copy, f"{stem}.jsonl"),
        validation=_source(validation_copy, f"{stem}_validation.jsonl")
        if validation_copy
        else None,
        method=record.method or "supervised",
        training_copy=training_copy,
        validation_copy=validation_copy,
    )


def _copy(sha256: str, record: JobRecord, what: str) -> Path:
    path = provenance_path(sha256)
    if not path.is_file():
        raise UserFacingError(
            f"The copy of the {what} file of job {record.job_id} is missing from the app's data "
            "folder.",
            "Open the dataset it was made from and train it again"
            + (f" ({record.dataset_path})." if record.dataset_path else "."),
        )
    return path


def _source(path: Path, name: str) -> UploadSource:
    data = path.read_bytes()
    return UploadSource.from_bytes(data.removeprefix(_BOM), name)
