"""Fireworks AI: fine-tuning through its account-scoped REST API, chat through its OpenAI API.

Management lives under `https://api.fireworks.ai/v1/accounts/{account_id}/…`, inference under
`https://api.fireworks.ai/inference/v1`. A training file becomes a dataset: `POST …/datasets`,
`POST …/datasets/{id}:upload` (multipart `file`, up to 150 MB), then `GET …/datasets/{id}` until
its state is READY. Jobs: `POST …/supervisedFineTuningJobs?supervisedFineTuningJobId=…` (the app
chooses the job id from its client token, so a retried create finds the job instead of making a
second one), `GET` one or a page of them, `DELETE` to cancel (the job then disappears), and
`:resume`. Fireworks reads OpenAI chat JSONL unchanged (at least 3 examples). It has no events,
checkpoints or pause: events are made from the job's state, progress and metrics file, and a
tuned model answers only on a deployment (billed by the hour).

The “base URL” the person enters is the account ID (“my-account”) or the account's address
(“https://api.fireworks.ai/v1/accounts/my-account”).
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

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
    Page,
    ProgressCallback,
    UploadSource,
)
from desktop_app.core.providers.errors import (
    NotFoundError,
    NotSupportedError,
    OperationCancelled,
    ProviderError,
    ValidationError,
)
from desktop_app.core.providers.rest import (
    RestProvider,
    epoch,
    metrics_data,
    number,
    page,
    text,
)

log = logging.getLogger(__name__)
API_ROOT = "https://api.fireworks.ai"
MAX_UPLOAD_BYTES = 150 * 1024 * 1024
DATASET_READY_SECONDS = 300.0
DEFAULT_LEARNING_RATE = 1e-4  # scaled by the app's learning-rate “multiplier”
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
STATES = {
    "JOB_STATE_UNSPECIFIED": JobStatus.QUEUED,
    "JOB_STATE_CREATING": JobStatus.QUEUED,
    "JOB_STATE_PENDING": JobStatus.QUEUED,
    "JOB_STATE_VALIDATING": JobStatus.VALIDATING_FILES,
    "JOB_STATE_RUNNING": JobStatus.RUNNING,
    "JOB_STATE_WRITING_RESULTS": JobStatus.RUNNING,
    "JOB_STATE_EVALUATION": JobStatus.RUNNING,
    "JOB_STATE_ROLLOUT": JobStatus.RUNNING,
    "JOB_STATE_POLICY_UPDATE": JobStatus.RUNNING,
    "JOB_STATE_COMPLETED": JobStatus.SUCCEEDED,
    "JOB_STATE_FAILED": JobStatus.FAILED,
    "JOB_STATE_FAILED_CLEANING_UP": JobStatus.FAILED,
    "JOB_STATE_CANCELLED": JobStatus.CANCELLED,
    "JOB_STATE_DELETING": JobStatus.CANCELLED,
    "JOB_STATE_DELETING_CLEANING_UP": JobStatus.CANCELLED,
}
STATE_MESSAGES = {
    "JOB_STATE_CREATING": "Setting up the job",
    "JOB_STATE_PENDING": "Waiting in line",
    "JOB_STATE_VALIDATING": "Checking the dataset",
    "JOB_STATE_RUNNING": "Training",
    "JOB_STATE_WRITING_RESULTS": "Saving the trained model",
    "JOB_STATE_EVALUATION": "Evaluating the trained model",
}
DEPLOY_NOTE = (
    "On Fireworks, a fine-tuned model answers only once it is deployed (Fireworks dashboard → "
    "Deployments, or “firectl create deployment”); deployments are billed by the hour. Chat "
    "with it by the fine-tuned model's name."
)


def fireworks_location(value: str) -> tuple[str, str]:
    """(API root, account ID) from “my-account” or “https://…/v1/accounts/my-account[/…]”."""
    text = value.strip().rstrip("/")
    if "://" not in text:
        account, root = text, API_ROOT
    else:
        parts = urlsplit(text)
        segments = parts.path.split("/")
        if "accounts" not in segments or segments.index("accounts") + 1 >= len(segments):
            raise ValueError("the Fireworks address must name the account (…/v1/accounts/NAME)")
        at = segments.index("accounts")
        account = segments[at + 1]
        prefix = "/".join(segments[:at]).removesuffix("/v1")
        root = f"{parts.scheme}://{parts.netloc}{prefix}"
    if not _ID.match(account):
        raise ValueError("a Fireworks account ID has lower-case letters, digits and dashes")
    return root, account


class FireworksProvider(RestProvider):
    kind = "fireworks"
    label = "Fireworks AI"
    deploy_note = DEPLOY_NOTE
    capabilities = Capabilities(
        pause_resume=False,
        checkpoints=False,
        events=True,  # made from the job's state, progress and metrics file
        metrics=True,
        dpo=False,
        multipart_upload=False,
        list_models=True,
        chat=True,
        chat_stream=True,
        result_files=False,
        needs_deployment=True,
    )

    def __init__(self, *, api_key: str, base_url: str | None = None, **kwargs: Any) -> None:
        try:
            root, account_id = fireworks_location(base_url or "")
        except ValueError:
            raise ProviderError(
                f"“{base_url or ''}” is not a Fireworks account ID.",
                "Enter your account ID (for example my-account, as shown in the Fireworks "
                "dashboard) or https://api.fireworks.ai/v1/accounts/my-account.",
            ) from None
        super().__init__(api_key=api_key, base_url=f"{root}/inference/v1", **kwargs)
        self.account_id = account_id
        self.api = f"{root}/v1/accounts/{account_id}"
        self._page_tokens: dict[str, str] = {}  # last job id of a page → token of the next page
        self._cancelled: set[str] = set()  # jobs cancelled (deleted) in this session

    # ---- datasets (the training files) ----------------------------------------------------
    def upload_file(
        self,
        source: UploadSource,
        *,
        purpose: str = "fine-tune",
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
        token: str | None = None,  # the idempotency token of this upload (pending record)
    ) -> FileRef:
        if source.size > MAX_UPLOAD_BYTES:
            raise NotSupportedError(
                f"“{source.filename}” is larger than the 150 MB Fireworks takes in one upload.",
                "Train on a smaller part of the dataset, or upload it with Fireworks' own "
                "tool (firectl create dataset).",
            )
        dataset_id = f"ftstudio-{source.sha256()[:24]}"
        what = f"Uploading “{source.filename}”"
        try:
            self._post(
                f"{self.api}/datasets",
                what=what,
                body={
                    "datasetId": dataset_id,
                    "dataset": {
                        "displayName": source.filename[:60],
                        "exampleCount": _line_count(source),
                        "userUploaded": {},
                    },
                },
                cancel=cancel,
            )
        except ValidationError as exc:
            if exc.status != 409:  # 409: this content was uploaded before; reuse it if ready
                raise
            existing = self.get_file(dataset_id)
            if existing.status == "ready":
                return existing
        self._post_file(
            f"{self.api}/datasets/{dataset_id}:upload",
            source,
            what=what,
            fields={},
            progress=progress,
            cancel=cancel,
        )
        return self._wait_until_ready(dataset_id, source.filename, cancel)

    def _wait_until_ready(
        self, dataset_id: str, filename: str, cancel: CancelToken | None
    ) -> FileRef:
        deadline = time.monotonic() + DATASET_READY_SECONDS
        delay = 0.25
        while True:
            ref = self.get_file(dataset_id)
            if ref.status == "ready":
                return ref
            if time.monotonic() > deadline:
                raise ProviderError(
                    f"Fireworks has not finished reading “{filename}” after five minutes.",
                    "Try again later; the upload is kept, so it will not be sent twice.",
                )
            waiter = cancel if cancel is not None else CancelToken()
            if waiter.wait(delay):
                raise OperationCancelled(f"Uploading “{filename}”")
            delay = min(delay * 2, 5.0)

    def get_file(self, file_id: str) -> FileRef:
        data = self._get(f"{self.api}/datasets/{file_id}", what=f"The dataset “{file_id}”")
        data = self.expect_dict(data, "a dataset")
        return FileRef(
            id=file_id,
            filename=str(data.get("displayName") or file_id),
            bytes=int(number(data.get("sizeBytes") or data.get("size_bytes")) or 0),
            created_at=epoch(data.get("createTime")),
            status=str(data.get("state") or "").lower() or None,
        )

    # ---- jobs ------------------------------------------------------------------------------
    def create_job(self, request: JobRequest, *, cancel: CancelToken | None = None) -> Job:
        if request.method != "supervised":
            raise NotSupportedError(
                "Finetune Studio trains on Fireworks with chat examples only (supervised).",
                "Use Together AI or OpenAI for preference pairs (DPO).",
            )
        job_id = job_id_for(request.client_token)
        data = self._post(
            f"{self.api}/supervisedFineTuningJobs",
            what="Creating the fine-tuning job",
            params={"supervisedFineTuningJobId": job_id},
            body=self.create_body(request),
            cancel=cancel,
            parse=lambda answer: job_from(
                self.expect_dict(answer, "the new job"), request.client_token
            ),
            recover=lambda: self.find_job_by_token(request.client_token),
        )
        assert isinstance(data, Job)
        return data

    def create_body(self, request: JobRequest) -> dict[str, Any]:
        body: dict[str, Any] = {
            "dataset": self._dataset_name(request.training_file),
            "baseModel": model_name(request.model),
        }
        if request.validation_file:
            body["evaluationDataset"] = self._dataset_name(request.validation_file)
        if request.n_epochs is not None:
            body["epochs"] = request.n_epochs
        if request.batch_size is not None:
            body["batchSize"] = request.batch_size
        if request.learning_rate_multiplier is not None:
            body["learningRate"] = DEFAULT_LEARNING_RATE * request.learning_rate_multiplier
        if request.suffix:
            body["displayName"] = request.suffix
        return body

    def _dataset_name(self, file_id: str) -> str:
        return (
            file_id
            if file_id.startswith("accounts/")
            else f"accounts/{self.account_id}/datasets/{file_id}"
        )

    def find_job_by_token(self, token: str) -> Job | None:
        try:
            return self.get_job(job_id_for(token))
        except NotFoundError:
            return None

    def list_jobs(
        self,
        *,
        after: str | None = None,
        limit: int = 20,
        metadata: Mapping[str, str] | None = None,
    ) -> Page[Job]:
        params: dict[str, Any] = {"pageSize": limit}
        if after:
            token = self._page_tokens.get(after)
            if token is None:
                return Page([], has_more=False)
            params["pageToken"] = token
        data = self._get(
            f"{self.api}/supervisedFineTuningJobs", what="The list of jobs", params=params
        )
        data = self.expect_dict(data, "jobs")
        jobs = [
            job_from(j) for j in data.get("supervisedFineTuningJobs") or [] if isinstance(j, dict)
        ]
        next_token = data.get("nextPageToken")
        if jobs and isinstance(next_token, str) and next_token:
            self._page_tokens[jobs[-1].id] = next_token
            return Page(jobs, has_more=True)
        return Page(jobs, has_more=False)

    def get_job(self, job_id: str) -> Job:
        return job_from(self._job_data(job_id))

    def _job_data(self, job_id: str) -> dict[str, Any]:
        try:
            data = self._get(
                f"{self.api}/supervisedFineTuningJobs/{job_id}", what=f"The job “{job_id}”"
            )
        except NotFoundError:
            if job_id in self._cancelled:  # cancelling deletes the job at Fireworks
                return {"name": job_id, "state": "JOB_STATE_CANCELLED"}
            raise
        return self.expect_dict(data, "a job")

    def cancel_job(self, job_id: str) -> Job:
        """Fireworks cancels a job by deleting it; afterwards it answers “cancelled”."""
        self._delete(f"{self.api}/supervisedFineTuningJobs/{job_id}", what=f"The job “{job_id}”")
        self._cancelled.add(job_id)
        job = self.get_job(job_id)
        if job.status not in JobStatus.TERMINAL:
            job = job_from({**self._job_data(job_id), "state": "JOB_STATE_CANCELLED"})
        return job

    def resume_job(self, job_id: str) -> Job:
        data = self._post(
            f"{self.api}/supervisedFineTuningJobs/{job_id}:resume",
            what=f"The job “{job_id}”",
            body={},
        )
        return job_from(self.expect_dict(data, "the resumed job"))

    def list_events(
        self, job_id: str, *, after: str | None = None, limit: int = 100
    ) -> Page[JobEvent]:
        """Events made from what Fireworks reports: the state, the progress, the metrics file."""
        data = self._job_data(job_id)
        job = job_from(data)
        when = epoch(data.get("updateTime")) or int(time.time())
        state = str(data.get("state") or "")
        status = data.get("status") if isinstance(data.get("status"), Mapping) else {}
        said = str(status.get("message") or "") if isinstance(status, Mapping) else ""
        events = [
            JobEvent(
                id=f"{job_id}:state:{state}",
                created_at=when,
                level="error" if job.status == JobStatus.FAILED else "info",
                message=STATE_MESSAGES.get(state, JobStatus.label(job.status))
                + (f": {said}" if said else "."),
            )
        ]
        progress = data.get("jobProgress")
        percent = number(progress.get("percent")) if isinstance(progress, Mapping) else None
        if percent is not None and isinstance(progress, Mapping):
            epoch_done = number(progress.get("epoch"))
            detail = f", epoch {int(epoch_done)}" if epoch_done is not None else ""
            events.append(
                JobEvent(
                    id=f"{job_id}:progress:{int(percent)}",
                    created_at=when,
                    level="info",
                    message=f"Training progress: {percent:.0f}%{detail}.",
                )
            )
        url = data.get("metricsFileSignedUrl")
        if isinstance(url, str) and url:
            events += [
                JobEvent(
                    id=f"{job_id}:metrics:{m.step}",
                    created_at=when,
                    level="info",
                    message=m.summary(),
                    type="metrics",
                    data=metrics_data(m),
                )
                for m in self._metrics(url)
            ]
        return page(self.newest_first(events), after, limit)

    def _metrics(self, url: str) -> list[Metrics]:
        """The rows of the job's metrics file (a signed URL, fetched without the API key)."""
        import httpx2

        try:
            response = httpx2.get(url, timeout=self.timeouts.read, follow_redirects=True)
            response.raise_for_status()
        except httpx2.HTTPError:
            log.info("the metrics file of a Fireworks job could not be read")
            return []
        return parse_metrics(response.text)

    def list_checkpoints(
        self, job_id: str, *, after: str | None = None, limit: int = 10
    ) -> Page[Checkpoint]:
        return Page([], has_more=False)  # Fireworks lists no checkpoints (capabilities say so)


# ---- requests and answers ---------------------------------------------------------------------
def job_id_for(client_token: str) -> str:
    """The job id the app asks Fireworks to use: the same for every retry of one create."""
    return "ftstudio-" + re.sub(r"[^a-z0-9]", "", client_token.lower())[:24]


def model_name(model: str) -> str:
    """“llama-v3p1-8b-instruct” → “accounts/fireworks/models/llama-v3p1-8b-instruct”."""
    return model if model.startswith("accounts/") else f"accounts/fireworks/models/{model}"


def job_from(data: Mapping[str, Any], client_token: str | None = None) -> Job:
    state = str(data.get("state") or "JOB_STATE_UNSPECIFIED")
    status = STATES.get(state, JobStatus.QUEUED)
    detail = data.get("status")
    error = None
    if status == JobStatus.FAILED:
        message = detail.get("message") if isinstance(detail, Mapping) else None
        code = detail.get("code") if isinstance(detail, Mapping) else None
        error = JobError(
            str(code or "job_failed"), str(message or "Fireworks reported that the job failed.")
        )
    hyper = {
        key: data[key]
        for key in ("epochs", "learningRate", "loraRank", "batchSize", "maxContextLength")
        if data.get(key) is not None
    }
    metadata = {"provider_status": state}
    if client_token:
        metadata["ftstudio_client_token"] = client_token
    return Job(
        id=str(data.get("name") or "").rsplit("/", 1)[-1],
        status=status,
        model=str(data.get("baseModel") or ""),
        created_at=epoch(data.get("createTime")),
        finished_at=epoch(data.get("completedTime")),
        fine_tuned_model=text(data.get("outputModel")) if status == JobStatus.SUCCEEDED else None,
        training_file=_dataset_id(data.get("dataset")),
        validation_file=_dataset_id(data.get("evaluationDataset")),
        error=error,
        hyperparameters=hyper,
        suffix=text(data.get("displayName")),
        metadata=metadata,
    )


def parse_metrics(content: str) -> list[Metrics]:
    """Metrics rows from JSON Lines or CSV with a step and loss columns (names vary)."""
    rows: list[Mapping[str, Any]] = []
    stripped = content.strip()
    if stripped.startswith(("{", "[")):
        for line in stripped.splitlines():
            try:
                value = json.loads(line)
            except ValueError:
                continue
            rows.extend(
                v for v in (value if isinstance(value, list) else [value]) if isinstance(v, dict)
            )
    else:
        rows = list(csv.DictReader(io.StringIO(stripped)))
    out = []
    for row in rows:
        step = _first(row, "step", "global_step", "train/global_step", "train/step")
        if step is None:
            continue
        out.append(
            Metrics(
                step=int(step),
                train_loss=_first(row, "train/loss", "train_loss", "loss"),
                valid_loss=_first(row, "eval/loss", "eval_loss", "valid_loss", "validation_loss"),
            )
        )
    return out


def _first(row: Mapping[str, Any], *keys: str) -> float | None:
    for key in keys:
        value = number(row.get(key))
        if value is not None:
            return value
    return None


def _line_count(source: UploadSource) -> int:
    return sum(chunk.count(b"\n") for chunk in source.chunks())


def _dataset_id(value: Any) -> str | None:
    return value.rsplit("/", 1)[-1] if isinstance(value, str) and value else None
