"""The practice server's state and the behaviour of each API route, free of HTTP details.

`PracticeApi` holds files, uploads and jobs in memory behind one lock. Each public method takes
the already-parsed request (query, JSON body or multipart parts) and returns the JSON to send,
or raises `ApiError`, which the server turns into OpenAI's error body.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from desktop_app.core.practice_server import chat as chat_replies
from desktop_app.core.practice_server.multipart import Part
from desktop_app.core.practice_server.simulation import SimulatedJob, encode_results, new_id

FILE_PURPOSES = ("assistants", "batch", "fine-tune", "vision", "user_data", "evals")
MAX_PART_BYTES = 64 * 1024 * 1024
MAX_UPLOAD_BYTES = 8 * 1024 * 1024 * 1024
TERMINAL = ("succeeded", "failed", "cancelled")


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.code = code
        self.param = param

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "message": self.message,
                "type": self.type,
                "param": self.param,
                "code": self.code,
            }
        }


@dataclass
class PracticeConfig:
    """How one practice server behaves. `pace` > 1 makes jobs run faster (tests use 500+)."""

    pace: float = 1.0
    prefix: str = "/v1"
    organization: str = "practice"
    revoked_keys: frozenset[str] = frozenset()
    results_base64: bool = True  # OpenAI has been seen sending the results CSV base64-encoded
    chat_piece_delay: float = 0.03  # seconds between streamed pieces at pace 1
    max_file_bytes: int = 512 * 1024 * 1024


@dataclass
class StoredFile:
    id: str
    filename: str
    purpose: str
    content: bytes
    created_at: int = field(default_factory=lambda: int(time.time()))

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "file",
            "bytes": len(self.content),
            "created_at": self.created_at,
            "filename": self.filename,
            "purpose": self.purpose,
            "status": "processed",
        }


@dataclass
class StoredUpload:
    id: str
    filename: str
    purpose: str
    size: int
    mime_type: str
    created_at: int = field(default_factory=lambda: int(time.time()))
    status: str = "pending"
    parts: dict[str, bytes] = field(default_factory=dict)
    file: StoredFile | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "upload",
            "bytes": self.size,
            "created_at": self.created_at,
            "filename": self.filename,
            "purpose": self.purpose,
            "status": self.status,
            "expires_at": self.created_at + 3600,
            "file": self.file.to_json() if self.file else None,
        }


class PracticeApi:
    def __init__(self, config: PracticeConfig) -> None:
        self.config = config
        self._lock = threading.RLock()
        self._files: dict[str, StoredFile] = {}
        self._uploads: dict[str, StoredUpload] = {}
        self._jobs: dict[str, SimulatedJob] = {}  # in creation order

    # ---- files -----------------------------------------------------------------------------
    def create_file(self, parts: dict[str, Part]) -> dict[str, Any]:
        upload = parts.get("file")
        purpose = _text(parts.get("purpose"))
        if upload is None:
            raise ApiError(400, "Missing required parameter: 'file'.", param="file")
        if purpose not in FILE_PURPOSES:
            raise ApiError(400, f"Invalid value for 'purpose': {purpose!r}.", param="purpose")
        filename = upload.filename or "upload"
        self._check_file(filename, purpose, len(upload.data))
        with self._lock:
            stored = StoredFile(new_id("file-"), filename, purpose, upload.data)
            self._files[stored.id] = stored
            return stored.to_json()

    def _check_file(self, filename: str, purpose: str, size: int) -> None:
        if purpose == "fine-tune" and not filename.lower().endswith(".jsonl"):
            raise ApiError(
                400, "Invalid file format for Fine-Tuning API. Must be .jsonl", param="file"
            )
        if size > self.config.max_file_bytes:
            raise ApiError(
                400, "File is too large. Use the Uploads API for files over 512 MB.", param="file"
            )

    def list_files(self, query: dict[str, str]) -> dict[str, Any]:
        with self._lock:
            files = [
                f for f in self._files.values() if f.purpose == query.get("purpose", f.purpose)
            ]
        if query.get("order", "desc") == "desc":
            files.reverse()
        page, has_more = _page(files, query, default_limit=10000, maximum=10000)
        data = [f.to_json() for f in page]
        return {
            "object": "list",
            "data": data,
            "first_id": data[0]["id"] if data else None,
            "last_id": data[-1]["id"] if data else None,
            "has_more": has_more,
        }

    def get_file(self, file_id: str) -> dict[str, Any]:
        return self._file(file_id).to_json()

    def delete_file(self, file_id: str) -> dict[str, Any]:
        with self._lock:
            self._file(file_id)
            del self._files[file_id]
        return {"id": file_id, "object": "file", "deleted": True}

    def file_content(self, file_id: str) -> bytes:
        return self._file(file_id).content

    def _file(self, file_id: str) -> StoredFile:
        with self._lock:
            found = self._files.get(file_id)
        if found is None:
            raise ApiError(404, f"No such File object: {file_id}", param="id")
        return found

    # ---- uploads ---------------------------------------------------------------------------
    def create_upload(self, body: dict[str, Any]) -> dict[str, Any]:
        for key in ("bytes", "filename", "mime_type", "purpose"):
            if key not in body:
                raise ApiError(400, f"Missing required parameter: '{key}'.", param=key)
        size = body["bytes"]
        if not isinstance(size, int) or size < 0 or size > MAX_UPLOAD_BYTES:
            raise ApiError(400, "'bytes' must be between 0 and 8 GB.", param="bytes")
        if body["purpose"] not in FILE_PURPOSES:
            raise ApiError(
                400, f"Invalid value for 'purpose': {body['purpose']!r}.", param="purpose"
            )
        if body["purpose"] == "fine-tune" and not str(body["filename"]).lower().endswith(".jsonl"):
            raise ApiError(
                400, "Invalid file format for Fine-Tuning API. Must be .jsonl", param="filename"
            )
        upload = StoredUpload(
            new_id("upload_"),
            str(body["filename"]),
            str(body["purpose"]),
            size,
            str(body["mime_type"]),
        )
        with self._lock:
            self._uploads[upload.id] = upload
        return upload.to_json()

    def add_part(self, upload_id: str, parts: dict[str, Part]) -> dict[str, Any]:
        data = parts.get("data")
        if data is None:
            raise ApiError(400, "Missing required parameter: 'data'.", param="data")
        if len(data.data) > MAX_PART_BYTES:
            raise ApiError(400, "A part can be at most 64 MB.", param="data")
        with self._lock:
            upload = self._pending_upload(upload_id)
            part_id = new_id("part_")
            upload.parts[part_id] = data.data
        return {
            "id": part_id,
            "object": "upload.part",
            "created_at": int(time.time()),
            "upload_id": upload_id,
        }

    def complete_upload(self, upload_id: str, body: dict[str, Any]) -> dict[str, Any]:
        part_ids = body.get("part_ids")
        if not isinstance(part_ids, list):
            raise ApiError(400, "Missing required parameter: 'part_ids'.", param="part_ids")
        with self._lock:
            upload = self._pending_upload(upload_id)
            unknown = [p for p in part_ids if p not in upload.parts]
            if unknown:
                raise ApiError(400, f"Unknown part id: {unknown[0]}", param="part_ids")
            content = b"".join(upload.parts[p] for p in part_ids)
            if len(content) != upload.size:
                raise ApiError(
                    400,
                    f"The number of bytes uploaded ({len(content)}) does not match the expected "
                    f"number of bytes ({upload.size}).",
                    param="part_ids",
                )
            md5 = body.get("md5")
            if md5 and hashlib.md5(content, usedforsecurity=False).hexdigest() != md5:
                raise ApiError(
                    400, "The md5 checksum does not match the uploaded bytes.", param="md5"
                )
            stored = StoredFile(new_id("file-"), upload.filename, upload.purpose, content)
            self._files[stored.id] = stored
            upload.file = stored
            upload.status = "completed"
            upload.parts.clear()
            return upload.to_json()

    def cancel_upload(self, upload_id: str) -> dict[str, Any]:
        with self._lock:
            upload = self._pending_upload(upload_id)
            upload.status = "cancelled"
            upload.parts.clear()
            return upload.to_json()

    def _pending_upload(self, upload_id: str) -> StoredUpload:
        upload = self._uploads.get(upload_id)
        if upload is None:
            raise ApiError(404, f"No such Upload object: {upload_id}", param="upload_id")
        if upload.status != "pending":
            raise ApiError(
                400, f"Upload {upload_id} is already {upload.status}.", param="upload_id"
            )
        return upload

    # ---- jobs ------------------------------------------------------------------------------
    def create_job(self, body: dict[str, Any]) -> dict[str, Any]:
        from desktop_app.core.practice_server.models import resolve_base_model

        training = body.get("training_file")
        if not training:
            raise ApiError(
                400, "Missing required parameter: 'training_file'.", param="training_file"
            )
        method_body = _dict(body.get("method"))
        method = str(method_body.get("type") or "supervised")
        if method not in ("supervised", "dpo"):
            raise ApiError(
                400, f"The practice server does not simulate method {method!r}.", param="method"
            )
        with self._lock:
            model = resolve_base_model(str(body.get("model", "")), method, self._tuned_names())
            for param in ("training_file", "validation_file"):
                file_id = body.get(param)
                if file_id and file_id not in self._files:
                    raise ApiError(
                        400, f"invalid {param}: {file_id}", param=param, code="invalid_file"
                    )
            suffix = body.get("suffix")
            if suffix is not None and (not isinstance(suffix, str) or not 1 <= len(suffix) <= 64):
                raise ApiError(400, "'suffix' must be 1 to 64 characters.", param="suffix")
            metadata = body.get("metadata")
            if metadata is not None and (not isinstance(metadata, dict) or len(metadata) > 16):
                raise ApiError(400, "'metadata' can hold at most 16 pairs.", param="metadata")
            inner = _dict(method_body.get(method))
            hyper = _dict(inner.get("hyperparameters")) or _dict(body.get("hyperparameters"))
            seed = body.get("seed")
            job = SimulatedJob(
                id=new_id("ftjob-"),
                model=model,
                training_file=str(training),
                validation_file=body.get("validation_file") or None,
                suffix=suffix,
                seed=seed if isinstance(seed, int) else int(time.time()) % 2**31,
                method=method,
                hyperparameters=hyper,
                metadata={str(k): str(v) for k, v in metadata.items()} if metadata else None,
                organization=self.config.organization,
                pace=self.config.pace,
            )
            self._jobs[job.id] = job
            return job.to_json()

    def list_jobs(self, query: dict[str, str]) -> dict[str, Any]:
        wanted = {
            k[9:-1]: v for k, v in query.items() if k.startswith("metadata[") and k.endswith("]")
        }
        with self._lock:
            self._advance_all()
            jobs = list(reversed(self._jobs.values()))
            if wanted:
                jobs = [
                    j
                    for j in jobs
                    if all((j.metadata or {}).get(k) == v for k, v in wanted.items())
                ]
            page, has_more = _page(jobs, query, default_limit=20, maximum=100)
            return {"object": "list", "data": [j.to_json() for j in page], "has_more": has_more}

    def get_job(self, job_id: str) -> dict[str, Any]:
        with self._lock:
            return self._job(job_id).to_json()

    def cancel_job(self, job_id: str) -> dict[str, Any]:
        with self._lock:
            job = self._job(job_id)
            if job.is_terminal:
                raise ApiError(
                    400, f"Job {job_id} has already {job.status}; it cannot be cancelled."
                )
            job.cancel()
            return job.to_json()

    def pause_job(self, job_id: str) -> dict[str, Any]:
        with self._lock:
            job = self._job(job_id)
            if job.status != "running":
                raise ApiError(400, f"Only a running job can be paused; this one is {job.status}.")
            job.pause()
            return job.to_json()

    def resume_job(self, job_id: str) -> dict[str, Any]:
        with self._lock:
            job = self._job(job_id)
            if job.status != "paused":
                raise ApiError(400, f"Only a paused job can be resumed; this one is {job.status}.")
            job.resume()
            return job.to_json()

    def list_events(self, job_id: str, query: dict[str, str]) -> dict[str, Any]:
        with self._lock:
            events = list(reversed(self._job(job_id).events))
            page, has_more = _page(events, query, default_limit=20, maximum=1000, key="id")
            return {"object": "list", "data": page, "has_more": has_more}

    def list_checkpoints(self, job_id: str, query: dict[str, str]) -> dict[str, Any]:
        with self._lock:
            kept = list(reversed(self._job(job_id).kept_checkpoints()))
            page, has_more = _page(kept, query, default_limit=10, maximum=100, key="id")
            return {
                "object": "list",
                "data": page,
                "first_id": page[0]["id"] if page else None,
                "last_id": page[-1]["id"] if page else None,
                "has_more": has_more,
            }

    def _job(self, job_id: str) -> SimulatedJob:
        job = self._jobs.get(job_id)
        if job is None:
            raise ApiError(
                404,
                f"Could not find fine-tuning job {job_id}.",
                param="fine_tuning_job_id",
                code="fine_tuning_job_not_found",
            )
        self._advance(job)
        return job

    def _advance(self, job: SimulatedJob) -> None:
        job.advance(self._read_file, self._write_result)

    def _advance_all(self) -> None:
        for job in self._jobs.values():
            self._advance(job)

    def _read_file(self, file_id: str) -> bytes | None:
        found = self._files.get(file_id)
        return found.content if found else None

    def _write_result(self, filename: str, content: bytes) -> str:
        stored = StoredFile(
            new_id("file-"),
            filename,
            "fine-tune-results",
            encode_results(content, self.config.results_base64),
        )
        self._files[stored.id] = stored
        return stored.id

    def _tuned_names(self) -> dict[str, SimulatedJob]:
        return {name: job for job in self._jobs.values() for name in job.model_names()}

    # ---- models and chat -------------------------------------------------------------------
    def list_models(self) -> dict[str, Any]:
        from desktop_app.core.practice_server.models import base_models

        with self._lock:
            self._advance_all()
            data = base_models()
            shutdown = {m["id"]: m.get("shutdown_date") for m in data}
            for job in self._jobs.values():
                if job.fine_tuned_model:  # checkpoints answer chat requests but are not listed
                    name = job.fine_tuned_model
                    data.append(
                        {
                            "id": name,
                            "object": "model",
                            "created": job.finished_at or job.created_at,
                            "owned_by": f"user-{self.config.organization}",
                            "shutdown_date": shutdown.get(job.model),
                        }
                    )
        return {"object": "list", "data": data}

    def get_model(self, model_id: str) -> dict[str, Any]:
        for model in self.list_models()["data"]:
            if model["id"] == model_id:
                return dict(model)
        raise ApiError(
            404,
            f"The model `{model_id}` does not exist or you do not have access to it.",
            code="model_not_found",
        )

    def chat_reply(self, body: dict[str, Any]) -> tuple[str, str, int]:
        """(model, reply text, prompt tokens) for a chat completions request."""
        from desktop_app.core.practice_server.models import find_base_model

        model = body.get("model")
        messages = body.get("messages")
        if not isinstance(model, str) or not model:
            raise ApiError(400, "Missing required parameter: 'model'.", param="model")
        if not isinstance(messages, list) or not messages:
            raise ApiError(400, "'messages' must be a non-empty list.", param="messages")
        question = _last_user_text(messages)
        prompt_tokens = sum(
            chat_replies.count_tokens(_content_text(m)) for m in messages if isinstance(m, dict)
        )
        with self._lock:
            self._advance_all()
            tuned = self._tuned_names().get(model)
            pairs = list(tuned.pairs) if tuned else None
        if pairs is not None:
            return model, chat_replies.tuned_reply(question, pairs), prompt_tokens
        base = find_base_model(model)
        if base is None:
            raise ApiError(
                404,
                f"The model `{model}` does not exist or you do not have access to it.",
                code="model_not_found",
            )
        return base, chat_replies.base_reply(question), prompt_tokens

    def completion(self, body: dict[str, Any]) -> dict[str, Any]:
        model, text, prompt_tokens = self.chat_reply(body)
        completion_tokens = chat_replies.count_tokens(text)
        return {
            "id": new_id("chatcmpl-"),
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {
                        "role": "assistant",
                        "content": text,
                        "refusal": None,
                        "annotations": [],
                    },
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
            "service_tier": "default",
            "system_fingerprint": "fp_practice",
        }

    def completion_chunks(self, body: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """The chunks of a streamed reply (the caller paces and frames them as SSE)."""
        model, text, _ = self.chat_reply(body)
        chunk_id = new_id("chatcmpl-")
        created = int(time.time())

        def chunk(delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
            return {
                "id": chunk_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "system_fingerprint": "fp_practice",
                "choices": [
                    {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
                ],
            }

        yield chunk({"role": "assistant", "content": ""}, None)
        for piece in chat_replies.pieces(text):
            yield chunk({"content": piece}, None)
        yield chunk({}, "stop")

    # ---- for tests and the CLI -------------------------------------------------------------
    def job_count(self) -> int:
        with self._lock:
            return len(self._jobs)


def _page(
    items: list[Any],
    query: dict[str, str],
    *,
    default_limit: int,
    maximum: int,
    key: str | None = None,
) -> tuple[list[Any], bool]:
    """A slice after the `after` cursor, at most `limit` long, and whether more follow."""
    try:
        limit = int(query.get("limit", default_limit))
    except ValueError as exc:
        raise ApiError(400, "'limit' must be a whole number.", param="limit") from exc
    if not 1 <= limit <= maximum:
        raise ApiError(400, f"'limit' must be between 1 and {maximum}.", param="limit")
    after = query.get("after")
    if after:
        ids = [(item[key] if key else item.id) for item in items]
        if after not in ids:
            raise ApiError(400, f"Unknown cursor for 'after': {after}", param="after")
        items = items[ids.index(after) + 1 :]
    return items[:limit], len(items) > limit


def _dict(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


def _text(part: Part | None) -> str:
    return part.data.decode("utf-8", errors="replace").strip() if part else ""


def _content_text(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return ""


def _last_user_text(messages: list[Any]) -> str:
    for message in reversed(messages):
        if isinstance(message, dict) and message.get("role") == "user":
            return _content_text(message)
    return ""
