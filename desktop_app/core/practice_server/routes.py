"""The URL table of the practice server: method + path pattern → an API call."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop_app.core.practice_server.api import ApiError, PracticeApi

Call = Callable[[PracticeApi, tuple[str, ...], Any], Any]


@dataclass(frozen=True, slots=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    body: str  # json / multipart / query
    call: Call


def _chat(api: PracticeApi, args: tuple[str, ...], body: dict[str, Any]) -> Any:
    from desktop_app.core.practice_server.server import stream_response

    if body.get("stream"):
        chunks = list(api.completion_chunks(body))  # raises ApiError before any byte is sent
        return stream_response(chunks)
    return api.completion(body)


_ID = r"([A-Za-z0-9_\-:.]+)"
ROUTES = [
    Route("POST", re.compile(r"^/files$"), "multipart", lambda api, a, b: api.create_file(b)),
    Route("GET", re.compile(r"^/files$"), "query", lambda api, a, q: api.list_files(q)),
    Route("GET", re.compile(rf"^/files/{_ID}$"), "query", lambda api, a, q: api.get_file(a[0])),
    Route(
        "DELETE", re.compile(rf"^/files/{_ID}$"), "query", lambda api, a, q: api.delete_file(a[0])
    ),
    Route(
        "GET",
        re.compile(rf"^/files/{_ID}/content$"),
        "query",
        lambda api, a, q: api.file_content(a[0]),
    ),
    Route("POST", re.compile(r"^/uploads$"), "json", lambda api, a, b: api.create_upload(b)),
    Route(
        "POST",
        re.compile(rf"^/uploads/{_ID}/parts$"),
        "multipart",
        lambda api, a, b: api.add_part(a[0], b),
    ),
    Route(
        "POST",
        re.compile(rf"^/uploads/{_ID}/complete$"),
        "json",
        lambda api, a, b: api.complete_upload(a[0], b),
    ),
    Route(
        "POST",
        re.compile(rf"^/uploads/{_ID}/cancel$"),
        "json",
        lambda api, a, b: api.cancel_upload(a[0]),
    ),
    Route("POST", re.compile(r"^/fine_tuning/jobs$"), "json", lambda api, a, b: api.create_job(b)),
    Route("GET", re.compile(r"^/fine_tuning/jobs$"), "query", lambda api, a, q: api.list_jobs(q)),
    Route(
        "GET",
        re.compile(rf"^/fine_tuning/jobs/{_ID}$"),
        "query",
        lambda api, a, q: api.get_job(a[0]),
    ),
    Route(
        "POST",
        re.compile(rf"^/fine_tuning/jobs/{_ID}/cancel$"),
        "json",
        lambda api, a, b: api.cancel_job(a[0]),
    ),
    Route(
        "POST",
        re.compile(rf"^/fine_tuning/jobs/{_ID}/pause$"),
        "json",
        lambda api, a, b: api.pause_job(a[0]),
    ),
    Route(
        "POST",
        re.compile(rf"^/fine_tuning/jobs/{_ID}/resume$"),
        "json",
        lambda api, a, b: api.resume_job(a[0]),
    ),
    Route(
        "GET",
        re.compile(rf"^/fine_tuning/jobs/{_ID}/events$"),
        "query",
        lambda api, a, q: api.list_events(a[0], q),
    ),
    Route(
        "GET",
        re.compile(rf"^/fine_tuning/jobs/{_ID}/checkpoints$"),
        "query",
        lambda api, a, q: api.list_checkpoints(a[0], q),
    ),
    Route("GET", re.compile(r"^/models$"), "query", lambda api, a, q: api.list_models()),
    Route("GET", re.compile(rf"^/models/{_ID}$"), "query", lambda api, a, q: api.get_model(a[0])),
    Route("POST", re.compile(r"^/chat/completions$"), "json", _chat),
]


def match_route(method: str, path: str) -> tuple[Route, tuple[str, ...]]:
    known_path = False
    for route in ROUTES:
        found = route.pattern.match(path)
        if found is None:
            continue
        known_path = True
        if route.method == method:
            return route, found.groups()
    if known_path:
        raise ApiError(405, f"{method} is not allowed on {path}.")
    raise ApiError(404, f"Unknown URL {path}.", code="unknown_url")
