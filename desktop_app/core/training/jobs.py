"""Starting and following a fine-tuning job: the steps between “Start” and a finished model.

`start_job()` assumes the caller already ran the checks and the person confirmed the estimate.
It keeps a copy of the exact files sent (data_dir()/provenance/<sha256>.jsonl), uploads them
(once per content and account, see uploads.py), creates the job with a client token so that a
retried create never makes two jobs, and records the job in the job store. Every step is a plain
blocking call with progress callbacks and a cancel token, for a Qt worker or the command line.

`EventFollower` turns the provider's newest-first event pages into “what is new since last
time”; `follow_job()` is the blocking loop the command line uses to watch a job to its end.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from desktop_app.core.errors import DatasetSaveError, UserFacingError
from desktop_app.core.files.atomic import write_atomic
from desktop_app.core.files.folders import data_dir
from desktop_app.core.providers.base import (
    CancelToken,
    Job,
    JobEvent,
    JobRequest,
    Provider,
    UploadSource,
)
from desktop_app.core.providers.errors import (
    NetworkError,
    OperationCancelled,
    ProviderError,
    RateLimitError,
    ServerError,
)
from desktop_app.core.providers.retry import is_retryable
from desktop_app.core.training.jobstore import JobStore
from desktop_app.core.training.uploads import (
    FILES_API_LIMIT,
    PART_SIZE,
    UploadProgress,
    UploadResult,
    upload,
)

log = logging.getLogger(__name__)
PENDING_CREATE_GRACE = 600  # seconds: a create the provider does not list after this was never made
PENDING_CREATE_GIVE_UP = 7 * 24 * 3600  # seconds of failed look-ups after which one is dropped


@dataclass(frozen=True, slots=True)
class TrainingPlan:
    """Everything the person chose. None for a hyperparameter means “automatic”."""

    model: str
    training: UploadSource
    validation: UploadSource | None = None
    suffix: str | None = None
    seed: int | None = None
    method: str = "supervised"
    n_epochs: int | None = None
    batch_size: int | None = None
    learning_rate_multiplier: float | None = None
    beta: float | None = None
    dataset_path: str | None = None  # the dataset the files were made from, for the record


@dataclass(frozen=True, slots=True)
class StartProgress:
    stage: str  # saving / upload_training / upload_validation / create_job
    message: str  # plain words for a status line
    upload: UploadProgress | None = None


@dataclass(frozen=True, slots=True)
class StartedJob:
    job: Job
    training: UploadResult
    validation: UploadResult | None
    training_copy: Path
    validation_copy: Path | None


def provenance_dir() -> Path:
    folder = data_dir() / "provenance"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def provenance_path(sha256: str) -> Path:
    """Where the copy of the exact file sent for training is kept."""
    return provenance_dir() / f"{sha256}.jsonl"


def save_provenance(source: UploadSource) -> Path:
    """Keep a copy of exactly these bytes under their hash (once; the same content is shared)."""
    path = provenance_path(source.sha256())
    if path.is_file() and path.stat().st_size == source.size:
        return path
    try:
        write_atomic(path, source.chunks())
    except DatasetSaveError as exc:
        raise UserFacingError(
            "The app could not keep a copy of the training file for the job's record.",
            "Free some disk space (or check the app's data folder can be written), then try again.",
            technical=exc.technical,
        ) from exc
    return path


def start_job(
    provider: Provider,
    plan: TrainingPlan,
    *,
    store: JobStore,
    progress: Callable[[StartProgress], None] | None = None,
    cancel: CancelToken | None = None,
    multipart_threshold: int = FILES_API_LIMIT,
    part_size: int = PART_SIZE,
) -> StartedJob:
    def say(stage: str, message: str, up: UploadProgress | None = None) -> None:
        if progress is not None:
            progress(StartProgress(stage, message, up))

    training_source = plan.training.with_prefix(provider.upload_prefix)
    validation_source = (
        plan.validation.with_prefix(provider.upload_prefix) if plan.validation else None
    )
    say("saving", "Keeping a copy of the files for the job's record…")
    training_copy = save_provenance(training_source)
    validation_copy = save_provenance(validation_source) if validation_source else None

    def uploading(stage: str, label: str) -> Callable[[UploadProgress], None]:
        def report(up: UploadProgress) -> None:
            verb = "Already uploaded" if up.reused else f"Uploading the {label} ({up.fraction:.0%})"
            say(stage, f"{verb}: {up.filename}", up)

        return report

    def send(source: UploadSource, stage: str, label: str) -> UploadResult:
        return upload(
            provider,
            source,
            store=store,
            progress=uploading(stage, label),
            cancel=cancel,
            multipart_threshold=multipart_threshold,
            part_size=part_size,
        )

    training = send(training_source, "upload_training", "training file")
    validation = None
    if validation_source is not None:
        validation = send(validation_source, "upload_validation", "validation file")
    _check(cancel)
    request = JobRequest(
        model=plan.model,
        training_file=training.file.id,
        validation_file=validation.file.id if validation else None,
        suffix=plan.suffix or None,
        seed=plan.seed,
        method=plan.method,
        n_epochs=plan.n_epochs,
        batch_size=plan.batch_size,
        learning_rate_multiplier=plan.learning_rate_multiplier,
        beta=plan.beta,
    )
    say("create_job", "Starting the fine-tuning job…")
    job = _create(provider, request, store, cancel)
    store.record_job(
        job,
        provider=provider.kind,
        account=provider.account,
        base_url=provider.base_url,
        training_sha256=training.sha256,
        validation_sha256=validation.sha256 if validation else None,
        dataset_path=plan.dataset_path,
        client_token=request.client_token,
    )
    store.remove_pending_create(request.client_token)
    return StartedJob(job, training, validation, training_copy, validation_copy)


def _create(
    provider: Provider, request: JobRequest, store: JobStore, cancel: CancelToken | None
) -> Job:
    """Create the job exactly once: the pending record is written before the request (its token
    is the Idempotency-Key and the metadata the look-up finds) and resolved after it."""
    store.add_pending_create(
        request.client_token,
        provider=provider.kind,
        account=provider.account,
        base_url=provider.base_url,
        request={
            "model": request.model,
            "training_file": request.training_file,
            "validation_file": request.validation_file,
            "suffix": request.suffix,
        },
    )
    try:
        return provider.create_job(request, cancel=cancel)
    except (ProviderError, OperationCancelled) as exc:
        if not getattr(exc, "maybe_created", False):
            store.remove_pending_create(request.client_token)  # the provider made nothing
        else:
            log.warning("a job create is unconfirmed; its pending record is kept to resolve later")
        raise


@dataclass(frozen=True, slots=True)
class Adopted:
    """A job found at the provider that the app started but had no record of."""

    job: Job
    provider: str  # display name
    account: str
    kind: str = ""
    base_url: str = ""

    @property
    def message(self) -> str:
        return (
            f"Found the job {self.job.id} ({self.job.model}, {self.job.status_label.lower()}) at "
            f"{self.provider}: it was started earlier but its answer never arrived. It is now in "
            "your list of jobs; nothing was started twice."
        )


def resolve_pending_creates(provider: Provider, store: JobStore) -> list[Job]:
    """Creates sent but never confirmed (a lost answer, a crash): find each job by its client
    token and record it. Pending records whose look-up fails stay for the next start; one the
    provider answers “no such job” for is forgotten once it is old enough to be sure."""
    found = []
    for pending in store.pending_creates(provider.kind, provider.account):
        try:
            job = provider.find_job_by_token(pending.client_token)
        except ProviderError as exc:
            log.info("could not check an unconfirmed create yet: %s", type(exc).__name__)
            continue
        if job is not None:
            store.record_job(
                job,
                provider=provider.kind,
                account=provider.account,
                base_url=provider.base_url,
                client_token=pending.client_token,
            )
            store.remove_pending_create(pending.client_token)
            found.append(job)
        elif time.time() - pending.started_at > PENDING_CREATE_GRACE:
            store.remove_pending_create(pending.client_token)
    return found


def resolve_all_pending(
    store: JobStore, connect: Callable[[str, str, str], Provider]
) -> tuple[list[Adopted], list[str]]:
    """At every start (app and command line): resolve the pending creates of every account.

    `connect(kind, account, base_url)` gives a provider (the caller closes what it opened).
    Returns the adopted jobs and plain sentences about accounts that could not be checked (they
    are checked again at the next start)."""
    adopted: list[Adopted] = []
    unchecked: list[str] = []
    _give_up_old(store)
    accounts = {(p.provider, p.account, p.base_url) for p in store.pending_creates()}
    for kind, account, base_url in sorted(accounts):
        try:
            provider = connect(kind, account, base_url)
        except UserFacingError as exc:
            unchecked.append(
                f"A job start could not be confirmed yet: {exc.message} Finetune Studio checks "
                "again at the next start. Do not start that job again."
            )
            continue
        label = provider.label or kind
        for job in resolve_pending_creates(provider, store):
            adopted.append(Adopted(job, label, account, kind, base_url))
            log.info("adopted job %s found at %s", job.id, label)
        if store.pending_creates(kind, account):
            unchecked.append(
                f"A job start at {label} is still unconfirmed; Finetune Studio checks again at "
                "the next start. Do not start that job again."
            )
    return adopted, unchecked


def _give_up_old(store: JobStore) -> None:
    """Forget a pending create no look-up could answer for a week (a practice server long gone)."""
    for pending in store.pending_creates():
        if time.time() - pending.started_at > PENDING_CREATE_GIVE_UP:
            log.warning("gave up checking a job start from %s", pending.provider)
            store.remove_pending_create(pending.client_token)


def refresh_job(provider: Provider, store: JobStore | None, job_id: str) -> Job:
    """The job as the provider sees it now, saved to the job store (an ended job stays ended)."""
    job = provider.get_job(job_id)
    if store is not None:
        job = store.record_job(
            job, provider=provider.kind, account=provider.account, base_url=provider.base_url
        )
    return job


class EventFollower:
    """New events of one job, oldest first, each returned once."""

    def __init__(self, provider: Provider, job_id: str, *, page_size: int = 100) -> None:
        self.provider = provider
        self.job_id = job_id
        self.page_size = page_size
        self._seen: set[str] = set()

    def poll(self) -> list[JobEvent]:
        fresh: list[JobEvent] = []
        after: str | None = None
        while True:
            page = self.provider.list_events(self.job_id, after=after, limit=self.page_size)
            reached_seen = False
            for event in page.items:
                if event.id in self._seen:
                    reached_seen = True
                    break
                fresh.append(event)
            after = page.next_after
            if reached_seen or after is None:
                break
        fresh.reverse()
        self._seen.update(e.id for e in fresh)
        return fresh


def follow_job(
    provider: Provider,
    job_id: str,
    *,
    on_status: Callable[[Job], None] | None = None,
    on_event: Callable[[JobEvent], None] | None = None,
    on_trouble: Callable[[ProviderError], None] | None = None,
    poll_seconds: float = 5.0,
    cancel: CancelToken | None = None,
    store: JobStore | None = None,
    max_failures: int = 5,
) -> Job:
    """Poll until the job ends; returns the final job. Passing hiccups (network, rate limit,
    server errors) are reported to `on_trouble` and retried, up to `max_failures` in a row."""
    follower = EventFollower(provider, job_id)
    last_status: str | None = None
    failures = 0
    while True:
        try:
            for event in follower.poll():
                if on_event is not None:
                    on_event(event)
            job = refresh_job(provider, store, job_id)
            failures = 0
        except (NetworkError, ServerError, RateLimitError) as exc:
            failures += 1
            if failures >= max_failures or not is_retryable(exc):
                raise
            if on_trouble is not None:
                on_trouble(exc)
            _sleep(getattr(exc, "retry_after", None) or poll_seconds * failures, cancel)
            continue
        if job.status != last_status:
            last_status = job.status
            if on_status is not None:
                on_status(job)
        if job.is_terminal:
            for event in follower.poll():
                if on_event is not None:
                    on_event(event)
            return job
        _sleep(poll_seconds, cancel)


def dataset_line_for_example(kinds: Iterable[bool], example_number: int) -> int | None:
    """The 1-based file line of the Nth example sent (the training file holds only examples).

    `kinds` says, line by line, whether the dataset line is an example that was sent.
    """
    count = 0
    for line, is_example in enumerate(kinds, start=1):
        count += bool(is_example)
        if is_example and count == example_number:
            return line
    return None


def _sleep(seconds: float, cancel: CancelToken | None) -> None:
    if cancel is not None:
        if cancel.wait(seconds):
            raise OperationCancelled("Following the job")
    else:
        time.sleep(seconds)


def _check(cancel: CancelToken | None) -> None:
    if cancel is not None and cancel.is_set():
        raise OperationCancelled("Starting the job")
