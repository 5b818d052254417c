"""The small provider interface the app trains through, and the plain data it returns.

A `Provider` is one account at one fine-tuning service. Its methods are plain blocking calls with
explicit timeouts and bounded retries, so a Qt worker (QRunnable) can run them off the GUI thread:
long calls take a `cancel` token (a `threading.Event`, checked between steps) and a `progress`
callback. Failures raise the typed `ProviderError` subclasses from `providers.errors`.

The dataclasses here are the app's own view of jobs, events, checkpoints, files and models, read
from the provider's JSON, so the rest of the app never touches the `openai` package's types.
"""

from __future__ import annotations

import threading
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from desktop_app.core.keys.scrub import scrub
from desktop_app.core.providers.errors import (
    AccessDeniedError,
    AuthError,
    BadResponseError,
    MissingKeyError,
    NetworkError,
    NotFoundError,
    NotSupportedError,
    OperationCancelled,
    ProviderError,
    RateLimitError,
    RequestTimeoutError,
    ServerError,
    ValidationError,
)
from desktop_app.core.providers.metrics import (
    Metrics,
    decode_result_file,
    parse_result_csv,
)
from desktop_app.core.providers.metrics import read_int as _int
from desktop_app.core.providers.status import JobError, JobStatus
from desktop_app.core.providers.upload_source import UploadSource, idempotency_key

__all__ = [
    "CLIENT_TOKEN_KEY",
    "AccessDeniedError",
    "AuthError",
    "BadResponseError",
    "CancelToken",
    "Capabilities",
    "ChatMessage",
    "ChatReply",
    "Checkpoint",
    "FileRef",
    "Job",
    "JobError",
    "JobEvent",
    "JobRequest",
    "JobStatus",
    "Metrics",
    "MissingKeyError",
    "ModelRef",
    "NetworkError",
    "NotFoundError",
    "NotSupportedError",
    "OperationCancelled",
    "Page",
    "ProgressCallback",
    "Provider",
    "ProviderError",
    "RateLimitError",
    "RequestTimeoutError",
    "ServerError",
    "UploadSource",
    "ValidationError",
    "decode_result_file",
    "idempotency_key",
    "parse_result_csv",
]

CancelToken = threading.Event
ProgressCallback = Callable[[int, int], None]  # (bytes sent, bytes in total)
CLIENT_TOKEN_KEY = "ftstudio_client_token"  # job metadata key that makes a retried create safe
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a provider offers, so the UI hides (or explains) what it does not."""

    pause_resume: bool = True
    checkpoints: bool = True
    events: bool = True
    metrics: bool = True
    dpo: bool = True
    multipart_upload: bool = True
    list_models: bool = True
    chat: bool = True
    chat_stream: bool = True
    result_files: bool = True
    needs_deployment: bool = False  # a tuned model must be deployed before it can answer (Azure)


@dataclass(frozen=True, slots=True)
class Job:
    """A fine-tuning job as the provider reports it. `status` is an open string (see JobStatus)."""

    id: str
    status: str
    model: str
    created_at: int | None = None
    finished_at: int | None = None
    fine_tuned_model: str | None = None
    training_file: str | None = None
    validation_file: str | None = None
    result_files: tuple[str, ...] = ()
    trained_tokens: int | None = None
    error: JobError | None = None
    method: str = "supervised"
    hyperparameters: Mapping[str, Any] = field(default_factory=dict)
    seed: int | None = None
    estimated_finish: int | None = None
    suffix: str | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_terminal(self) -> bool:
        return self.status in JobStatus.TERMINAL

    @property
    def status_label(self) -> str:
        return JobStatus.label(self.status)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Job:
        error = data.get("error")
        job_error = None
        if isinstance(error, Mapping) and (error.get("code") or error.get("message")):
            job_error = JobError(
                code=str(error.get("code") or ""),
                message=scrub(str(error.get("message") or "")),  # stored and shown: no keys
                param=error.get("param") if isinstance(error.get("param"), str) else None,
            )
        method = data.get("method")
        method_type = "supervised"
        hyper: Mapping[str, Any] = _mapping(data.get("hyperparameters"))
        if isinstance(method, Mapping) and isinstance(method.get("type"), str):
            method_type = str(method["type"])
            inner = _mapping(method.get(method_type))
            if inner.get("hyperparameters"):
                hyper = _mapping(inner.get("hyperparameters"))
        metadata = {str(k): str(v) for k, v in _mapping(data.get("metadata")).items()}
        return cls(
            id=str(data.get("id", "")),
            status=str(data.get("status", "")),
            model=str(data.get("model", "")),
            created_at=_int(data.get("created_at")),
            finished_at=_int(data.get("finished_at")),
            fine_tuned_model=_str(data.get("fine_tuned_model")),
            training_file=_str(data.get("training_file")),
            validation_file=_str(data.get("validation_file")),
            result_files=tuple(str(f) for f in data.get("result_files") or ()),
            trained_tokens=_int(data.get("trained_tokens")),
            error=job_error,
            method=method_type,
            hyperparameters=dict(hyper),
            seed=_int(data.get("seed")),
            estimated_finish=_int(data.get("estimated_finish")),
            suffix=_str(data.get("user_provided_suffix") or data.get("suffix")),
            metadata=metadata,
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict that `from_dict` reads back (for the job store)."""
        return {
            "id": self.id,
            "status": self.status,
            "model": self.model,
            "created_at": self.created_at,
            "finished_at": self.finished_at,
            "fine_tuned_model": self.fine_tuned_model,
            "training_file": self.training_file,
            "validation_file": self.validation_file,
            "result_files": list(self.result_files),
            "trained_tokens": self.trained_tokens,
            "error": None
            if self.error is None
            else {
                "code": self.error.code,
                "message": self.error.message,
                "param": self.error.param,
            },
            "method": {
                "type": self.method,
                self.method: {"hyperparameters": dict(self.hyperparameters)},
            },
            "seed": self.seed,
            "estimated_finish": self.estimated_finish,
            "suffix": self.suffix,
            "metadata": dict(self.metadata),
        }


@dataclass(frozen=True, slots=True)
class JobEvent:
    id: str
    created_at: int
    level: str  # info / warn / error
    message: str
    type: str = "message"  # message / metrics
    data: Mapping[str, Any] = field(default_factory=dict)

    @property
    def metrics(self) -> Metrics | None:
        if self.type != "metrics" or not self.data:
            return None
        return Metrics.from_dict(self.data)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> JobEvent:
        return cls(
            id=str(data.get("id", "")),
            created_at=_int(data.get("created_at")) or 0,
            level=str(data.get("level") or "info"),
            message=str(data.get("message") or ""),
            type=str(data.get("type") or "message"),
            data=dict(_mapping(data.get("data"))),
        )


@dataclass(frozen=True, slots=True)
class Checkpoint:
    id: str
    created_at: int
    model: str  # the name to chat with: ft:…:ckpt-step-N
    job_id: str
    step: int
    metrics: Metrics

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Checkpoint:
        return cls(
            id=str(data.get("id", "")),
            created_at=_int(data.get("created_at")) or 0,
            model=str(data.get("fine_tuned_model_checkpoint", "")),
            job_id=str(data.get("fine_tuning_job_id", "")),
            step=_int(data.get("step_number")) or 0,
            metrics=Metrics.from_dict(_mapping(data.get("metrics"))),
        )


@dataclass(frozen=True, slots=True)
class FileRef:
    id: str
    filename: str
    bytes: int
    purpose: str = "fine-tune"
    created_at: int | None = None
    status: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FileRef:
        return cls(
            id=str(data.get("id", "")),
            filename=str(data.get("filename", "")),
            bytes=_int(data.get("bytes")) or 0,
            purpose=str(data.get("purpose") or "fine-tune"),
            created_at=_int(data.get("created_at")),
            status=_str(data.get("status")),
        )


@dataclass(frozen=True, slots=True)
class ModelRef:
    id: str
    owned_by: str = ""
    created: int | None = None
    shutdown_date: str | None = None  # YYYY-MM-DD when the provider announces one

    @property
    def is_fine_tuned(self) -> bool:
        return self.id.startswith("ft:")

    @property
    def base_model(self) -> str:
        """`ft:BASE:org:suffix:id` → BASE; other names unchanged."""
        if self.is_fine_tuned:
            parts = self.id.split(":")
            return parts[1] if len(parts) > 1 else self.id
        return self.id

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ModelRef:
        return cls(
            id=str(data.get("id", "")),
            owned_by=str(data.get("owned_by") or ""),
            created=_int(data.get("created")),
            shutdown_date=_str(data.get("shutdown_date")),
        )


@dataclass(frozen=True, slots=True)
class ChatMessage:
    role: str  # system / user / assistant
    content: str

    def to_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


@dataclass(frozen=True, slots=True)
class ChatReply:
    text: str
    model: str = ""
    finish_reason: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list. Pass `next_after` as `after` to get the next (older) page."""

    items: list[T]
    has_more: bool = False

    @property
    def next_after(self) -> str | None:
        if not self.has_more or not self.items:
            return None
        return str(getattr(self.items[-1], "id", "")) or None


@dataclass(frozen=True, slots=True)
class JobRequest:
    """What to train. None means “let the provider choose” (auto)."""

    model: str
    training_file: str
    validation_file: str | None = None
    suffix: str | None = None
    seed: int | None = None
    method: str = "supervised"  # supervised / dpo
    n_epochs: int | None = None
    batch_size: int | None = None
    learning_rate_multiplier: float | None = None
    beta: float | None = None  # DPO only
    metadata: Mapping[str, str] = field(default_factory=dict)
    # A dashed UUID (a bare 32-hex string would be hidden as key-shaped by the scrubber).
    client_token: str = field(default_factory=lambda: str(uuid.uuid4()))

    @property
    def idempotency_key(self) -> str:
        """Sent as the provider's Idempotency-Key header: a resent create makes nothing new."""
        return idempotency_key("job", self.client_token)

    def hyperparameters(self) -> dict[str, Any]:
        hyper: dict[str, Any] = {
            "n_epochs": self.n_epochs if self.n_epochs is not None else "auto",
            "batch_size": self.batch_size if self.batch_size is not None else "auto",
            "learning_rate_multiplier": self.learning_rate_multiplier
            if self.learning_rate_multiplier is not None
            else "auto",
        }
        if self.method == "dpo":
            hyper["beta"] = self.beta if self.beta is not None else "auto"
        return hyper

    def method_body(self) -> dict[str, Any]:
        return {"type": self.method, self.method: {"hyperparameters": self.hyperparameters()}}


class Provider(ABC):
    """One account at one fine-tuning service. See the module docstring for the conventions."""

    kind: str = ""  # registry name: openai / azure / compatible / practice / …
    label: str = ""  # display name: “OpenAI”
    capabilities: Capabilities = Capabilities()
    upload_prefix: bytes = b""  # bytes the provider wants in front of every upload (Azure: BOM)
    deploy_note: str = ""  # what to do before a tuned model can answer, shown after a job succeeds

    def __init__(self, *, account: str = "default", base_url: str = "") -> None:
        self.account = account
        self.base_url = base_url

    @property
    def account_key(self) -> tuple[str, str]:
        """(kind, account): how the job store and the upload cache tell accounts apart."""
        return (self.kind, self.account)

    def close(self) -> None:  # noqa: B027 (a provider without connections has nothing to close)
        """Release network connections. The provider must not be used afterwards."""

    def __enter__(self) -> Provider:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- files -----------------------------------------------------------------------------
    @abstractmethod
    def upload_file(
        self,
        source: UploadSource,
        *,
        purpose: str = "fine-tune",
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
        token: str | None = None,  # the idempotency token of this upload (pending record)
    ) -> FileRef:
        """One request through the Files API (files up to 512 MB)."""

    @abstractmethod
    def get_file(self, file_id: str) -> FileRef: ...

    @abstractmethod
    def start_upload(
        self, filename: str, size: int, *, purpose: str = "fine-tune", token: str | None = None
    ) -> str:
        """Start a multipart upload (Uploads API); returns its id. `token`: see upload_file."""

    @abstractmethod
    def upload_part(
        self,
        upload_id: str,
        data: bytes,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> str:
        """Send one part (at most 64 MB); returns the part id."""

    @abstractmethod
    def complete_upload(self, upload_id: str, part_ids: list[str]) -> FileRef: ...

    @abstractmethod
    def cancel_upload(self, upload_id: str) -> None: ...

    @abstractmethod
    def download_result_file(self, file_id: str) -> str:
        """A job's result file (results CSV) as text, whether sent plain or base64-encoded."""

    # ---- jobs ------------------------------------------------------------------------------
    @abstractmethod
    def create_job(self, request: JobRequest, *, cancel: CancelToken | None = None) -> Job:
        """Create a job. A retried create never makes two jobs (see request.client_token)."""

    @abstractmethod
    def list_jobs(
        self,
        *,
        after: str | None = None,
        limit: int = 20,
        metadata: Mapping[str, str] | None = None,
    ) -> Page[Job]:
        """Newest first; pass the page's `next_after` as `after` for the next page."""

    @abstractmethod
    def get_job(self, job_id: str) -> Job: ...

    @abstractmethod
    def list_events(
        self, job_id: str, *, after: str | None = None, limit: int = 100
    ) -> Page[JobEvent]:
        """Newest first; `after` is the id of the last event of the previous page (older ones)."""

    @abstractmethod
    def list_checkpoints(
        self, job_id: str, *, after: str | None = None, limit: int = 10
    ) -> Page[Checkpoint]: ...

    @abstractmethod
    def cancel_job(self, job_id: str) -> Job: ...

    @abstractmethod
    def pause_job(self, job_id: str) -> Job: ...

    @abstractmethod
    def resume_job(self, job_id: str) -> Job: ...

    # ---- models ----------------------------------------------------------------------------
    @abstractmethod
    def list_models(self) -> list[ModelRef]: ...

    @abstractmethod
    def chat(
        self,
        model: str,
        messages: list[ChatMessage],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        cancel: CancelToken | None = None,
    ) -> ChatReply: ...

    @abstractmethod
    def chat_stream(
        self,
        model: str,
        messages: list[ChatMessage],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        cancel: CancelToken | None = None,
    ) -> Iterator[str]:
        """Text deltas as they arrive. Stops (and closes the connection) once `cancel` is set;
        closing the iterator early also closes the connection."""

    def find_job_by_token(self, token: str) -> Job | None:
        """The job created with this client token (see JobRequest), among the newest 100."""
        page = self.list_jobs(limit=100, metadata={CLIENT_TOKEN_KEY: token})
        for job in page.items:
            if job.metadata.get(CLIENT_TOKEN_KEY) == token:
                return job
        return None

    def check_connection(self) -> str:
        """A cheap authenticated request; returns a plain success sentence or raises."""
        self.list_jobs(limit=1)
        return f"Connected to {self.label}: the key works."


# ---- small readers ------------------------------------------------------------------------
def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
