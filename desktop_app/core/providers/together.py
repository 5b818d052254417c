"""Together AI: fine-tuning through its own REST API (together-openapi.yaml), chat OpenAI-style.

Files go to `POST /files/upload` (multipart: `file`, `file_name`, `purpose=fine-tune`), jobs to
`POST /fine-tunes`; `GET /fine-tunes[/{id}[/events|/checkpoints|/metrics]]` follow them and
`POST /fine-tunes/{id}/cancel` stops one. Together reads the same chat and preference JSONL as
OpenAI, so nothing is converted. Its statuses, events and metrics are mapped onto the app's job
model here. Together has no pause, no result file and no client token for a safe retried create
(a retry first looks for a job made from the same file in the last minutes), and a tuned model
answers only once it is deployed on a dedicated endpoint (or downloaded).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

from desktop_app.core.providers.base import (
    CancelToken,
    Capabilities,
    Checkpoint,
    FileRef,
    Job,
    JobError,
    JobEvent,
    JobRequest,
    JobStatus,
    Metrics,
    ModelRef,
    Page,
    ProgressCallback,
    UploadSource,
)
from desktop_app.core.providers.errors import ProviderError
from desktop_app.core.providers.rest import (
    RestProvider,
    epoch,
    metrics_data,
    number,
    page,
    text,
)

log = logging.getLogger(__name__)
DEFAULT_BASE_URL = "https://api.together.xyz/v1"
DEFAULT_LEARNING_RATE = 1e-5  # Together's default; the app's “multiplier” scales it
STATUS = {
    "pending": JobStatus.QUEUED,
    "queued": JobStatus.QUEUED,
    "running": JobStatus.RUNNING,
    "compressing": JobStatus.RUNNING,  # saving the trained model
    "uploading": JobStatus.RUNNING,
    "cancel_requested": "cancelling",
    "cancelled": JobStatus.CANCELLED,
    "error": JobStatus.FAILED,
    "completed": JobStatus.SUCCEEDED,
}
LEVELS = {"warning": "warn", "legacy_iwarning": "warn", "error": "error", "legacy_ierror": "error"}
DEPLOY_NOTE = (
    "On Together, a fine-tuned model answers once it runs on a dedicated endpoint (Together's "
    "dashboard → Endpoints; billed per minute), or after you download it. Chat with it by the "
    "fine-tuned model's name."
)


class TogetherProvider(RestProvider):
    kind = "together"
    label = "Together AI"
    default_base_url = DEFAULT_BASE_URL
    deploy_note = DEPLOY_NOTE
    capabilities = Capabilities(
        pause_resume=False,
        checkpoints=True,
        events=True,
        metrics=True,
        dpo=True,
        multipart_upload=False,
        list_models=True,
        chat=True,
        chat_stream=True,
        result_files=False,
        needs_deployment=True,
    )

    def __init__(self, *, api_key: str, base_url: str | None = None, **kwargs: Any) -> None:
        super().__init__(api_key=api_key, base_url=base_url or DEFAULT_BASE_URL, **kwargs)

    # ---- files -----------------------------------------------------------------------------
    def upload_file(
        self,
        source: UploadSource,
        *,
        purpose: str = "fine-tune",
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
        token: str | None = None,  # the idempotency token of this upload (pending record)
    ) -> FileRef:
        data = self._post_file(
            "/files/upload",
            source,
            what=f"Uploading “{source.filename}”",
            fields={"purpose": purpose, "file_name": source.filename, "file_type": "jsonl"},
            progress=progress,
            cancel=cancel,
        )
        return _file(self.expect_dict(data, "the uploaded file"))

    def get_file(self, file_id: str) -> FileRef:
        data = self._get(f"/files/{file_id}", what=f"The file “{file_id}”")
        return _file(self.expect_dict(data, "a file"))

    # ---- jobs ------------------------------------------------------------------------------
    def create_job(self, request: JobRequest, *, cancel: CancelToken | None = None) -> Job:
        started = time.time()
        data = self._post(
            "/fine-tunes",
            what="Creating the fine-tuning job",
            body=create_body(request),
            cancel=cancel,
            parse=lambda answer: job_from(self.expect_dict(answer, "the new job")),
            recover=lambda: self._recent_job(request, started),
        )
        assert isinstance(data, Job)
        return data

    def _recent_job(self, request: JobRequest, since: float) -> Job | None:
        """After a failed create: the job made from the same file and model since `since`."""
        for job in self.list_jobs(limit=50).items:
            if (
                job.training_file == request.training_file
                and job.model == request.model
                and (job.created_at or 0) >= since - 120
            ):
                return job
        return None

    def find_job_by_token(self, token: str) -> Job | None:
        return None  # Together keeps no client token; create_job recovers by file and time

    def list_jobs(
        self,
        *,
        after: str | None = None,
        limit: int = 20,
        metadata: Mapping[str, str] | None = None,
    ) -> Page[Job]:
        data = self.expect_dict(self._get("/fine-tunes", what="The list of jobs"), "jobs")
        jobs = [job_from(item) for item in data.get("data") or [] if isinstance(item, dict)]
        jobs.sort(key=lambda j: j.created_at or 0, reverse=True)
        return page(jobs, after, limit)

    def get_job(self, job_id: str) -> Job:
        data = self._get(f"/fine-tunes/{job_id}", what=f"The job “{job_id}”")
        return job_from(self.expect_dict(data, "a job"))

    def cancel_job(self, job_id: str) -> Job:
        data = self._post(f"/fine-tunes/{job_id}/cancel", what=f"The job “{job_id}”")
        return job_from(self.expect_dict(data, "the cancelled job"))

    def list_events(
        self, job_id: str, *, after: str | None = None, limit: int = 100
    ) -> Page[JobEvent]:
        what = f"The events of job “{job_id}”"
        data = self.expect_dict(self._get(f"/fine-tunes/{job_id}/events", what=what), "events")
        raw = [e for e in data.get("data") or [] if isinstance(e, dict)]
        events = [event_from(job_id, index, item) for index, item in enumerate(raw)]
        events += self._metric_events(job_id)
        return page(self.newest_first(events), after, limit)

    def _metric_events(self, job_id: str) -> list[JobEvent]:
        """Training metrics as `metrics` events (step, loss), so the charts fill in.

        The snapshots carry no time; each is dated when this app first saw it.
        """
        try:
            data = self._get(f"/fine-tunes/{job_id}/metrics", what=f"The metrics of job “{job_id}”")
        except ProviderError:
            log.info("no metrics for job %s; showing its events only", job_id)
            return []
        snapshots = data.get("metrics") if isinstance(data, dict) else None
        events = []
        now = time.time()
        for snapshot in snapshots or []:
            metrics = metrics_from(snapshot) if isinstance(snapshot, dict) else None
            if metrics is None or metrics.step is None:
                continue
            event_id = f"{job_id}:metrics:{metrics.step}"
            events.append(
                JobEvent(
                    id=event_id,
                    created_at=int(self._first_seen.get(event_id, now)),
                    level="info",
                    message=metrics.summary(),
                    type="metrics",
                    data=metrics_data(metrics),
                )
            )
        return events

    def list_checkpoints(
        self, job_id: str, *, after: str | None = None, limit: int = 10
    ) -> Page[Checkpoint]:
        what = f"The checkpoints of job “{job_id}”"
        data = self.expect_dict(self._get(f"/fine-tunes/{job_id}/checkpoints", what=what), what)
        checkpoints = [
            checkpoint_from(job_id, item)
            for item in data.get("data") or []
            if isinstance(item, dict)
        ]
        checkpoints.sort(key=lambda c: c.step, reverse=True)
        return page(checkpoints, after, limit)

    # ---- models ----------------------------------------------------------------------------
    def list_models(self) -> list[ModelRef]:
        """Models that can be fine-tuned first (owned_by “fine-tunable”), then chat models."""
        supported = self._get("/fine-tunes/models/supported", what="The list of models")
        names = supported.get("models") if isinstance(supported, dict) else None
        models = [ModelRef(str(n), owned_by="fine-tunable") for n in names or [] if n]
        listed = self._get("/models", what="The list of models")
        items = listed.get("data") if isinstance(listed, dict) else listed
        known = {m.id for m in models}
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict) or item.get("type", "chat") not in ("chat", "language"):
                continue
            model = ModelRef(
                str(item.get("id", "")),
                owned_by=str(item.get("organization") or ""),
                created=item.get("created") if isinstance(item.get("created"), int) else None,
            )
            if model.id and model.id not in known:
                models.append(model)
        return models


# ---- requests and answers ---------------------------------------------------------------------
def create_body(request: JobRequest) -> dict[str, Any]:
    """POST /fine-tunes from the app's JobRequest; unset values are left to Together."""
    body: dict[str, Any] = {"training_file": request.training_file, "model": request.model}
    if request.validation_file:
        body["validation_file"] = request.validation_file
        body["n_evals"] = max(1, request.n_epochs or 1)  # Together's default (0) never evaluates
    if request.n_epochs is not None:
        body["n_epochs"] = request.n_epochs
    if request.batch_size is not None:
        body["batch_size"] = request.batch_size
    if request.learning_rate_multiplier is not None:
        body["learning_rate"] = DEFAULT_LEARNING_RATE * request.learning_rate_multiplier
    if request.suffix:
        body["suffix"] = request.suffix
    if request.seed is not None:
        body["random_seed"] = request.seed
    if request.method == "dpo":
        method: dict[str, Any] = {"method": "dpo"}
        if request.beta is not None:
            method["dpo_beta"] = request.beta
        body["training_method"] = method
    else:
        # learn the replies only, as OpenAI does (what "auto" means for chat data; the OpenAPI
        # description types the field as a boolean)
        body["training_method"] = {"method": "sft", "train_on_inputs": False}
    return body


def job_from(data: Mapping[str, Any]) -> Job:
    raw_status = str(data.get("status") or "")
    status = STATUS.get(raw_status, raw_status)
    method = data.get("training_method")
    method_name = method.get("method") if isinstance(method, Mapping) else None
    hyper = {
        key: data[key]
        for key in ("n_epochs", "batch_size", "learning_rate", "n_checkpoints", "n_evals")
        if data.get(key) is not None
    }
    progress = data.get("progress")
    estimated = None
    if isinstance(progress, Mapping) and progress.get("estimate_available"):
        seconds = number(progress.get("seconds_remaining"))
        estimated = int(time.time() + seconds) if seconds is not None else None
    terminal = status in JobStatus.TERMINAL
    return Job(
        id=str(data.get("id", "")),
        status=status,
        model=str(data.get("model") or ""),
        created_at=epoch(data.get("created_at")),
        finished_at=epoch(data.get("updated_at")) if terminal else None,
        fine_tuned_model=text(data.get("model_output_name"))
        if status == JobStatus.SUCCEEDED
        else None,
        training_file=text(data.get("training_file")),
        validation_file=text(data.get("validation_file")),
        trained_tokens=data.get("token_count")
        if isinstance(data.get("token_count"), int)
        else None,
        error=_job_error(data) if status == JobStatus.FAILED else None,
        method="dpo" if method_name == "dpo" else "supervised",
        hyperparameters=hyper,
        seed=data.get("random_seed") if isinstance(data.get("random_seed"), int) else None,
        estimated_finish=estimated,
        suffix=text(data.get("suffix")),
        metadata={"provider_status": raw_status},
    )


def _job_error(data: Mapping[str, Any]) -> JobError:
    """Why a job failed: the last error event's message (Together's job object has no error)."""
    for event in reversed([e for e in data.get("events") or [] if isinstance(e, Mapping)]):
        if event.get("type") == "job_error" or event.get("level") == "error":
            return JobError("job_error", str(event.get("message") or "The job failed."))
    return JobError("job_error", "Together reported that the job failed.")


def event_from(job_id: str, index: int, data: Mapping[str, Any]) -> JobEvent:
    key = data.get("hash") or f"{data.get('created_at', '')}:{data.get('type', '')}:{index}"
    level = LEVELS.get(str(data.get("level") or ""), "info")
    if data.get("type") == "job_error":
        level = "error"
    return JobEvent(
        id=f"{job_id}:{key}",
        created_at=epoch(data.get("created_at")) or 0,
        level=level,
        message=str(data.get("message") or str(data.get("type") or "").replace("_", " ")),
        type="message",
        data={
            k: v for k, v in data.items() if k in ("type", "step", "total_steps", "checkpoint_path")
        },
    )


def metrics_from(snapshot: Mapping[str, Any]) -> Metrics | None:
    """A metrics snapshot (“train/loss”, “train/global_step”, “eval/loss” …) as Metrics."""
    step = number(
        snapshot.get("train/global_step", snapshot.get("global_step", snapshot.get("step")))
    )
    if step is None:
        return None
    return Metrics(
        step=int(step),
        train_loss=number(snapshot.get("train/loss")),
        valid_loss=number(snapshot.get("eval/loss", snapshot.get("validation/loss"))),
    )


def checkpoint_from(job_id: str, data: Mapping[str, Any]) -> Checkpoint:
    step = int(number(data.get("step")) or 0)
    kind = str(data.get("checkpoint_type") or "")
    return Checkpoint(
        id=f"{job_id}:{step}:{kind}".rstrip(":"),
        created_at=epoch(data.get("created_at")) or 0,
        model=str(data.get("path") or ""),
        job_id=job_id,
        step=step,
        metrics=Metrics(step=step),
    )


def _file(data: Mapping[str, Any]) -> FileRef:
    processed = data.get("Processed")
    return FileRef(
        id=str(data.get("id", "")),
        filename=str(data.get("filename") or ""),
        bytes=int(number(data.get("bytes")) or 0),
        purpose=str(data.get("purpose") or "fine-tune"),
        created_at=epoch(data.get("created_at")),
        status="processed" if processed else "uploaded",
    )
