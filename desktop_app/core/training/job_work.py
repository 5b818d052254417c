"""Work a job view runs on workers (no widgets here): job actions and reading the provenance."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop_app.core.cancel import CancelToken
from desktop_app.core.dataset.records import Dataset
from desktop_app.core.providers.base import Job
from desktop_app.core.providers.connections import ProviderCache
from desktop_app.core.training.job_key import JobKey
from desktop_app.core.training.jobs import provenance_path
from desktop_app.core.training.jobstore import JobRecord, JobStore
from desktop_app.core.training.provenance import ProvenanceDiff, diff_against, find_example


def job_action(
    providers: ProviderCache,
    key: JobKey,
    action: str,
    store: JobStore | None,
    *,
    cancel: CancelToken,
    progress: Callable[[object], None],
) -> Job:
    """Worker: cancel, pause or resume a job; the app's record follows the answer."""
    provider = providers.for_key(key)
    if action == "cancel":
        job = provider.cancel_job(key.job_id)
    elif action == "pause":
        job = provider.pause_job(key.job_id)
    else:
        job = provider.resume_job(key.job_id)
    if store is not None and store.get(*key.record_key) is not None:
        store.record_job(job, provider=key.provider, account=key.account, base_url=key.base_url)
    return job


@dataclass(frozen=True, slots=True)
class Provenance:
    copies: list[Path]
    missing: list[str]  # hashes whose copy is gone
    diff: ProvenanceDiff | None
    compared_with: str  # plain words: which dataset the copy was compared with
    example: tuple[int | None, int | None] = (None, None)  # failure: (record index, example no.)


def read_provenance(
    record: JobRecord | None,
    dataset: Dataset | None,
    example_number: int | None,
    in_validation: bool,
    *,
    cancel: CancelToken,
    progress: Callable[[object], None],
) -> Provenance:
    """Worker: the stored copies, the comparison with the dataset, the failing example."""
    if record is None:
        return Provenance([], [], None, "")
    copies: list[Path] = []
    missing: list[str] = []
    for sha in (record.training_sha256, record.validation_sha256):
        if not sha:
            continue
        path = provenance_path(sha)
        if path.is_file():
            copies.append(path)
        else:
            missing.append(sha)
    compared_with = ""
    target = dataset
    if target is not None:
        compared_with = "the dataset open in the editor"
    elif record.dataset_path and Path(record.dataset_path).is_file():
        target = Dataset.open(record.dataset_path)
        compared_with = f"“{Path(record.dataset_path).name}” as saved on disk"
    diff = diff_against(copies, target) if copies and target is not None else None
    example: tuple[int | None, int | None] = (None, None)
    if example_number is not None:
        wanted = record.validation_sha256 if in_validation else record.training_sha256
        copy = provenance_path(wanted) if wanted else None
        if copy is not None and copy.is_file():
            example = find_example(copy, example_number, dataset)
    return Provenance(copies, missing, diff, compared_with, example)
