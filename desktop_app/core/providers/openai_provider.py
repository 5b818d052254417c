"""The provider for OpenAI and every service that speaks its API, on the official `openai` client.

Azure OpenAI, OpenAI-compatible services and the Practice server are subclasses that change the
base URL, the headers, the name and the capabilities (azure.py, compatible.py, practice.py).

Every request has explicit timeouts; the client's own retries are off (`max_retries=0`) and
`retry.call_with_retries` retries instead, bounded and cancellable. The API key lives only in
this object and in the client's headers; it is never logged and never part of a repr.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, TypeVar

from desktop_app.core.keys.scrub import remember_key
from desktop_app.core.providers.base import (
    CLIENT_TOKEN_KEY,
    CancelToken,
    ChatMessage,
    ChatReply,
    Checkpoint,
    FileRef,
    Job,
    JobEvent,
    JobRequest,
    ModelRef,
    Page,
    ProgressCallback,
    Provider,
    UploadSource,
    decode_result_file,
    idempotency_key,
)
from desktop_app.core.providers.errors import (
    BadResponseError,
    OperationCancelled,
    ProviderError,
    map_openai_error,
)
from desktop_app.core.providers.retry import RetryPolicy, call_with_retries, create_exactly_once

if TYPE_CHECKING:
    import openai

log = logging.getLogger(__name__)
T = TypeVar("T")
JSONL_MIME = "application/jsonl"
IDEMPOTENCY_HEADER = (
    "Idempotency-Key"  # OpenAI's; a resent create with the same key makes nothing new
)


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Seconds. `upload` replaces read and write for file uploads and parts."""

    connect: float = 5.0
    read: float = 60.0
    write: float = 60.0
    pool: float = 10.0
    upload: float = 600.0


class OpenAIProvider(Provider):
    kind = "openai"
    label = "OpenAI"
    default_base_url = "https://api.openai.com/v1"

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str | None = None,
        account: str = "default",
        timeouts: Timeouts | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        super().__init__(account=account, base_url=(base_url or self.default_base_url).rstrip("/"))
        self._api_key = api_key
        remember_key(api_key)  # hidden, exactly, from every text the app writes from now on
        self.timeouts = timeouts or Timeouts()
        self.retry = retry or RetryPolicy()
        self._client_lock = threading.Lock()
        self._client_obj: openai.OpenAI | None = None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.kind}:{self.account} {self.base_url}>"

    # ---- client ----------------------------------------------------------------------------
    def extra_headers(self) -> dict[str, str]:
        """Headers sent with every request (Azure adds its api-key header)."""
        return {}

    def _client(self) -> openai.OpenAI:
        with self._client_lock:
            if self._client_obj is None:
                import httpx2
                import openai

                t = self.timeouts
                self._client_obj = openai.OpenAI(
                    api_key=self._api_key,
                    base_url=self.base_url + "/",
                    timeout=httpx2.Timeout(t.read, connect=t.connect, write=t.write, pool=t.pool),
                    max_retries=0,
                    default_headers=self.extra_headers() or None,
                )
            return self._client_obj

    def _upload_client(self) -> openai.OpenAI:
        import httpx2

        t = self.timeouts
        timeout = httpx2.Timeout(t.upload, connect=t.connect, write=t.upload, pool=t.pool)
        return self._client().with_options(timeout=timeout)

    def close(self) -> None:
        with self._client_lock:
            client, self._client_obj = self._client_obj, None
        if client is not None:
            client.close()

    def _call(
        self,
        attempt: Callable[[], T],
        *,
        what: str,
        cancel: CancelToken | None = None,
    ) -> T:
        return call_with_retries(
            attempt,
            to_error=lambda exc: self.map_error(exc, what),
            policy=self.retry,
            cancel=cancel,
            what=what,
        )

    def map_error(self, exc: BaseException, what: str) -> ProviderError:
        if isinstance(exc, _Cancelled):
            raise OperationCancelled(what) from None
        return map_openai_error(exc, provider=self.label, kind=self.kind, what=what)

    # ---- files -----------------------------------------------------------------------------
    def upload_file(
        self,
        source: UploadSource,
        *,
        purpose: str = "fine-tune",
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
        token: str | None = None,
    ) -> FileRef:
        headers = _idempotency("file", token)

        def attempt() -> FileRef:
            with source.open() as handle:
                reader = _reader(handle, source.size, progress, cancel)
                created = self._upload_client().files.create(
                    file=(source.filename, reader, JSONL_MIME),
                    purpose=purpose,  # type: ignore[arg-type]
                    extra_headers=headers,
                )
            return FileRef.from_dict(_dump(created))

        return self._call(attempt, what=f"Uploading “{source.filename}”", cancel=cancel)

    def get_file(self, file_id: str) -> FileRef:
        return self._call(
            lambda: FileRef.from_dict(_dump(self._client().files.retrieve(file_id))),
            what=f"The file “{file_id}”",
        )

    def start_upload(
        self, filename: str, size: int, *, purpose: str = "fine-tune", token: str | None = None
    ) -> str:
        headers = _idempotency("upload", token)

        def attempt() -> str:
            upload = self._client().uploads.create(
                bytes=size,
                filename=filename,
                mime_type=JSONL_MIME,
                purpose=purpose,  # type: ignore[arg-type]
                extra_headers=headers,
            )
            return str(upload.id)

        return self._call(attempt, what=f"Starting the upload of “{filename}”")

    def upload_part(
        self,
        upload_id: str,
        data: bytes,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> str:
        def attempt() -> str:
            reader = _reader(io.BytesIO(data), len(data), progress, cancel)
            part = self._upload_client().uploads.parts.create(
                upload_id,
                data=("part", reader, "application/octet-stream"),
            )
            return str(part.id)

        return self._call(attempt, what="Uploading a part of the file", cancel=cancel)

    def complete_upload(self, upload_id: str, part_ids: list[str]) -> FileRef:
        def attempt() -> FileRef:
            upload = self._client().uploads.complete(upload_id, part_ids=part_ids)
            if upload.file is None:
                raise BadResponseError(
                    f"{self.label} finished the upload but did not say which file it made.",
                    "Try the upload again.",
                )
            return FileRef.from_dict(_dump(upload.file))

        return self._call(attempt, what="Finishing the upload")

    def cancel_upload(self, upload_id: str) -> None:
        self._call(lambda: self._client().uploads.cancel(upload_id), what="Cancelling the upload")

    def download_result_file(self, file_id: str) -> str:
        def attempt() -> str:
            return decode_result_file(self._client().files.content(file_id).read())

        return self._call(attempt, what=f"The result file “{file_id}”")

    # ---- jobs ------------------------------------------------------------------------------
    def create_job(self, request: JobRequest, *, cancel: CancelToken | None = None) -> Job:
        metadata = {**request.metadata, CLIENT_TOKEN_KEY: request.client_token}
        body: dict[str, Any] = {
            "model": request.model,
            "training_file": request.training_file,
            "method": request.method_body(),
            "metadata": metadata,
        }
        if request.validation_file:
            body["validation_file"] = request.validation_file
        if request.suffix:
            body["suffix"] = request.suffix
        if request.seed is not None:
            body["seed"] = request.seed

        headers = {IDEMPOTENCY_HEADER: request.idempotency_key}

        def attempt() -> Job:
            created = self._client().fine_tuning.jobs.create(**body, extra_headers=headers)
            return _job(created)

        what = "Creating the fine-tuning job"
        return create_exactly_once(
            attempt,
            look_up=lambda: self.find_job_by_token(request.client_token),
            to_error=lambda exc: self.map_error(exc, what),
            policy=self.retry,
            cancel=cancel,
            what=what,
        )

    def list_jobs(
        self,
        *,
        after: str | None = None,
        limit: int = 20,
        metadata: Mapping[str, str] | None = None,
    ) -> Page[Job]:
        def attempt() -> Page[Job]:
            kwargs: dict[str, Any] = {"limit": limit}
            if after:
                kwargs["after"] = after
            if metadata:
                kwargs["metadata"] = dict(metadata)
            page = self._client().fine_tuning.jobs.list(**kwargs)
            return Page([Job.from_dict(_dump(j)) for j in page.data], bool(page.has_more))

        return self._call(attempt, what="The list of jobs")

    def get_job(self, job_id: str) -> Job:
        return self._call(
            lambda: Job.from_dict(_dump(self._client().fine_tuning.jobs.retrieve(job_id))),
            what=f"The job “{job_id}”",
        )

    def list_events(
        self, job_id: str, *, after: str | None = None, limit: int = 100
    ) -> Page[JobEvent]:
        def attempt() -> Page[JobEvent]:
            kwargs: dict[str, Any] = {"limit": limit}
            if after:
                kwargs["after"] = after
            page = self._client().fine_tuning.jobs.list_events(job_id, **kwargs)
            return Page([JobEvent.from_dict(_dump(e)) for e in page.data], bool(page.has_more))

        return self._call(attempt, what=f"The events of job “{job_id}”")

    def list_checkpoints(
        self, job_id: str, *, after: str | None = None, limit: int = 10
    ) -> Page[Checkpoint]:
        def attempt() -> Page[Checkpoint]:
            kwargs: dict[str, Any] = {"limit": limit}
            if after:
                kwargs["after"] = after
            page = self._client().fine_tuning.jobs.checkpoints.list(job_id, **kwargs)
            return Page([Checkpoint.from_dict(_dump(c)) for c in page.data], bool(page.has_more))

        return self._call(attempt, what=f"The checkpoints of job “{job_id}”")

    def cancel_job(self, job_id: str) -> Job:
        jobs = self._client().fine_tuning.jobs
        return self._call(
            lambda: Job.from_dict(_dump(jobs.cancel(job_id))), what=f"The job “{job_id}”"
        )

    def pause_job(self, job_id: str) -> Job:
        jobs = self._client().fine_tuning.jobs
        return self._call(
            lambda: Job.from_dict(_dump(jobs.pause(job_id))), what=f"The job “{job_id}”"
        )

    def resume_job(self, job_id: str) -> Job:
        jobs = self._client().fine_tuning.jobs
        return self._call(
            lambda: Job.from_dict(_dump(jobs.resume(job_id))), what=f"The job “{job_id}”"
        )

    # ---- models ----------------------------------------------------------------------------
    def list_models(self) -> list[ModelRef]:
        def attempt() -> list[ModelRef]:
            return [ModelRef.from_dict(_dump(m)) for m in self._client().models.list().data]

        return self._call(attempt, what="The list of models")

    def chat(
        self,
        model: str,
        messages: list[ChatMessage],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        cancel: CancelToken | None = None,
    ) -> ChatReply:
        kwargs = self._chat_kwargs(model, messages, max_tokens, temperature)

        def attempt() -> ChatReply:
            completion = self._client().chat.completions.create(**kwargs)
            choice = completion.choices[0] if completion.choices else None
            usage = completion.usage
            return ChatReply(
                text=(choice.message.content or "") if choice else "",
                model=str(completion.model or model),
                finish_reason=str(choice.finish_reason)
                if choice and choice.finish_reason
                else None,
                prompt_tokens=usage.prompt_tokens if usage else None,
                completion_tokens=usage.completion_tokens if usage else None,
            )

        return self._call(attempt, what=self.model_subject(model), cancel=cancel)

    def chat_stream(
        self,
        model: str,
        messages: list[ChatMessage],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        cancel: CancelToken | None = None,
    ) -> Iterator[str]:
        kwargs = self._chat_kwargs(model, messages, max_tokens, temperature)
        what = self.model_subject(model)
        stream = self._call(
            lambda: self._client().chat.completions.create(stream=True, **kwargs),
            what=what,
            cancel=cancel,
        )
        return self._deltas(stream, what, cancel)

    def _deltas(self, stream: Any, what: str, cancel: CancelToken | None) -> Iterator[str]:
        try:
            for chunk in stream:
                if cancel is not None and cancel.is_set():
                    return
                for choice in chunk.choices or ():
                    text = getattr(choice.delta, "content", None)
                    if text:
                        yield text
        except Exception as exc:
            raise self.map_error(exc, what) from exc
        finally:
            stream.close()

    def model_subject(self, model: str) -> str:
        return f"The model “{model}”"

    @staticmethod
    def _chat_kwargs(
        model: str, messages: list[ChatMessage], max_tokens: int | None, temperature: float | None
    ) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"model": model, "messages": [m.to_dict() for m in messages]}
        if max_tokens is not None:
            kwargs["max_tokens"] = max_tokens
        if temperature is not None:
            kwargs["temperature"] = temperature
        return kwargs

    def check_connection(self) -> str:
        self._call(
            lambda: self._client().fine_tuning.jobs.list(limit=1), what="The connection test"
        )
        return f"Connected to {self.label}: the key works."


def _idempotency(what: str, token: str | None) -> dict[str, str]:
    return {IDEMPOTENCY_HEADER: idempotency_key(what, token)} if token else {}


def _job(created: Any) -> Job:
    """A created job; an answer without a job id is not one (a proxy's page, a stray object)."""
    job = Job.from_dict(_dump(created))
    if not job.id:
        raise TypeError("the answer to a create holds no job id")
    return job


def _dump(obj: Any) -> dict[str, Any]:
    """An SDK object as a plain dict, undeclared fields (like `user_provided_suffix`) included.

    Anything else (the text of an HTML page, a list) raises TypeError, which the error mapping
    turns into BadResponseError: an answer that is not what the protocol says."""
    if isinstance(obj, dict):
        return obj
    dump = getattr(obj, "model_dump", None)
    dumped = dump() if callable(dump) else None
    if not isinstance(dumped, dict):
        raise TypeError(f"unexpected answer of type {type(obj).__name__}")
    return dumped


class _Cancelled(Exception):
    """Raised from inside an upload body when the cancel token is set; aborts the request."""


def _reader(
    handle: IO[bytes], total: int, progress: ProgressCallback | None, cancel: CancelToken | None
) -> IO[bytes]:
    return io.BufferedReader(_ProgressReader(handle, total, progress, cancel), 64 * 1024)


class _ProgressReader(io.RawIOBase):
    """Wraps an upload stream: reports progress on each read and aborts once cancelled."""

    def __init__(
        self,
        handle: IO[bytes],
        total: int,
        progress: ProgressCallback | None,
        cancel: CancelToken | None,
    ) -> None:
        super().__init__()
        self._handle = handle
        self._total = total
        self._progress = progress
        self._cancel = cancel

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._cancel is not None and self._cancel.is_set():
            raise _Cancelled()
        chunk = self._handle.read(len(memoryview(buffer)))
        memoryview(buffer).cast("B")[: len(chunk)] = chunk
        if self._progress is not None and chunk:
            self._progress(min(self._handle.tell(), self._total), self._total)
        return len(chunk)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._handle.seek(offset, whence)

    def tell(self) -> int:
        return self._handle.tell()
