"""What Together AI and Fireworks AI share: their own fine-tuning REST API, OpenAI-style chat.

Both are reached through the `openai` client's generic requests (`client.get/post/delete` on
their own paths, or on absolute URLs), so timeouts, retries, error mapping and the key handling
of `OpenAIProvider` apply unchanged; chat and streaming use their OpenAI-compatible inference API.
What such a provider does not offer raises `NotSupportedError` in plain words, and its
`capabilities` say so up front so the UI can hide the button instead.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from desktop_app.core.providers.base import (
    CancelToken,
    FileRef,
    Job,
    JobEvent,
    Metrics,
    Page,
    ProgressCallback,
    UploadSource,
)
from desktop_app.core.providers.errors import BadResponseError, NotSupportedError
from desktop_app.core.providers.openai_provider import JSONL_MIME, OpenAIProvider, _reader
from desktop_app.core.providers.retry import create_exactly_once

if TYPE_CHECKING:
    from openai._types import RequestOptions

_FRACTION = re.compile(r"(\.\d{6})\d+")


class RestProvider(OpenAIProvider):
    """Base for providers with their own fine-tuning endpoints (see the module docstring)."""

    def __init__(self, *, api_key: str, base_url: str | None = None, **kwargs: Any) -> None:
        super().__init__(api_key=api_key, base_url=base_url, **kwargs)
        self._first_seen: dict[str, float] = {}  # event id → when this app first saw it

    def newest_first(self, events: list[JobEvent]) -> list[JobEvent]:
        """Order by when this app first saw each event, then by time: an event that appears
        later always sorts before the ones already seen, whatever the clocks say, so an event
        follower (which stops at the first event it has seen) never misses one."""
        now = time.time()
        order = {
            id(e): (self._first_seen.setdefault(e.id, now), e.created_at, i)
            for i, e in enumerate(events)
        }
        return sorted(events, key=lambda e: order[id(e)], reverse=True)

    # ---- raw requests ----------------------------------------------------------------------
    def _get(self, url: str, *, what: str, params: Mapping[str, Any] | None = None) -> Any:
        options = _options(params)
        return self._call(
            lambda: self._client().get(url, cast_to=object, options=options), what=what
        )

    def _post(
        self,
        url: str,
        *,
        what: str,
        body: Any = None,
        params: Mapping[str, Any] | None = None,
        cancel: CancelToken | None = None,
        parse: Callable[[Any], Any] | None = None,
        recover: Callable[[], Any] | None = None,
    ) -> Any:
        """POST JSON; `parse` turns the answer into what `recover` would find after a lost one.

        With `recover` the POST is a create: sent exactly once (retry.create_exactly_once)."""
        options = _options(params)

        def attempt() -> Any:
            answer = self._client().post(url, cast_to=object, body=body, options=options)
            return parse(answer) if parse is not None else answer

        if recover is None:
            return self._call(attempt, what=what, cancel=cancel)
        return create_exactly_once(
            attempt,
            look_up=recover,
            to_error=lambda exc: self.map_error(exc, what),
            policy=self.retry,
            cancel=cancel,
            what=what,
        )

    def _delete(self, url: str, *, what: str) -> Any:
        return self._call(lambda: self._client().delete(url, cast_to=object), what=what)

    def _post_file(
        self,
        url: str,
        source: UploadSource,
        *,
        what: str,
        fields: Mapping[str, str],
        progress: ProgressCallback | None,
        cancel: CancelToken | None,
    ) -> Any:
        """A multipart upload: `fields` as form fields, the content as the part named `file`."""

        def attempt() -> Any:
            with source.open() as handle:
                reader = _reader(handle, source.size, progress, cancel)
                return self._upload_client().post(
                    url,
                    cast_to=object,
                    body=dict(fields),
                    files=[("file", (source.filename, reader, JSONL_MIME))],
                    options={"headers": {"Content-Type": "multipart/form-data"}},
                )

        return self._call(attempt, what=what, cancel=cancel)

    def expect_dict(self, value: Any, what: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise BadResponseError(
                f"{self.label} sent an answer the app could not read ({what}).",
                "Try again in a moment. If it keeps happening, the service may have changed.",
                technical=f"expected a JSON object, got {type(value).__name__}",
            )
        return value

    # ---- what these providers do not offer -------------------------------------------------
    def _not_offered(self, feature: str, step: str) -> NotSupportedError:
        return NotSupportedError(f"{self.label} does not offer {feature}.", step)

    def start_upload(
        self, filename: str, size: int, *, purpose: str = "fine-tune", token: str | None = None
    ) -> str:
        raise self._not_offered(
            "uploads in parts",
            "Files are sent in one piece; if the file is too large, split the dataset.",
        )

    def upload_part(
        self,
        upload_id: str,
        data: bytes,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> str:
        raise self._not_offered("uploads in parts", "Files are sent in one piece.")

    def complete_upload(self, upload_id: str, part_ids: list[str]) -> FileRef:
        raise self._not_offered("uploads in parts", "Files are sent in one piece.")

    def cancel_upload(self, upload_id: str) -> None:
        raise self._not_offered("uploads in parts", "Files are sent in one piece.")

    def pause_job(self, job_id: str) -> Job:
        raise self._not_offered(
            "pausing a job", "Let it run, or cancel it and start a new one later."
        )

    def resume_job(self, job_id: str) -> Job:
        raise self._not_offered("pausing and resuming jobs", "Start a new job instead.")

    def download_result_file(self, file_id: str) -> str:
        raise self._not_offered(
            "a results file", "The training and validation loss appear in the job's events."
        )

    def check_connection(self) -> str:
        self.list_jobs(limit=1)
        return f"Connected to {self.label}: the key works."


def page(items: list[Any], after: str | None, limit: int) -> Page[Any]:
    """Newest-first items after the one with id `after`, at most `limit` of them."""
    start = 0
    if after:
        ids = [str(getattr(item, "id", "")) for item in items]
        start = ids.index(after) + 1 if after in ids else len(items)
    chunk = items[start : start + limit]
    return Page(chunk, has_more=start + limit < len(items))


def _options(params: Mapping[str, Any] | None) -> RequestOptions:
    return cast("RequestOptions", {"params": dict(params)} if params else {})


def epoch(value: Any) -> int | None:
    """Seconds since 1970 from an ISO 8601 time (“2026-05-17T17:35:45.123Z”) or a number."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return int(value)
    if not isinstance(value, str) or not value:
        return None
    text = _FRACTION.sub(r"\1", value.strip()).replace("Z", "+00:00")
    try:
        return int(datetime.fromisoformat(text).timestamp())
    except ValueError:
        return None


def number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def metrics_data(metrics: Metrics) -> dict[str, Any]:
    """The `data` of a metrics event, with the keys the app's job model reads."""
    data: dict[str, Any] = {"step": metrics.step}
    if metrics.train_loss is not None:
        data["train_loss"] = metrics.train_loss
    if metrics.valid_loss is not None:
        data["valid_loss"] = metrics.valid_loss
    return data
