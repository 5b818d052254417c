"""A small local HTTP server for provider tests: routes, recorded requests, injected faults.

It runs stdlib `ThreadingHTTPServer` on 127.0.0.1 with port 0 in a thread and shuts down cleanly
(`with FakeServer() as server:`). A handler that raises, or a response that breaks a documented
schema, is recorded in `errors`; the fixtures fail the test when that list is not empty, so a
mistake on the server side can never pass silently.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> tuple[dict[str, str], dict[str, tuple[str, bytes, str]]]:
        """multipart/form-data: (fields, files as name → (filename, content, content type))."""
        content_type = self.headers.get("content-type", "")
        assert content_type.startswith("multipart/form-data"), content_type
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + self.body
        )
        fields: dict[str, str] = {}
        files: dict[str, tuple[str, bytes, str]] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            filename = part.get_filename()
            if filename is not None:
                files[str(name)] = (filename, payload, part.get_content_type())
            else:
                fields[str(name)] = payload.decode("utf-8")
        return fields, files


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None


Handler = Callable[[Request, "re.Match[str]"], Reply]


class FakeServer:
    """Routes (method, regex) to handlers; records every request; can fail chosen requests."""

    api_key = "test-key-12345"

    def __init__(self) -> None:
        self.routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self.requests: list[Request] = []
        self.errors: list[str] = []
        self.faults: list[tuple[str, str, Reply, bool]] = []  # method, path regex, reply, after
        self.lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- set up ----------------------------------------------------------------------------
    def route(self, method: str, pattern: str, handler: Handler) -> None:
        self.routes.append((method, re.compile(pattern + "$"), handler))

    def fail_next(self, method: str, pattern: str, reply: Reply, *, after: bool = False) -> None:
        """The next matching request gets `reply`; with after=True the handler runs first
        (the request takes effect, then the answer is lost, as when a connection drops)."""
        self.faults.append((method, pattern, reply, after))

    @property
    def root(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_port}"

    def __enter__(self) -> FakeServer:
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _serve(self) -> None:
                outer.handle(self)

            do_GET = do_POST = do_DELETE = do_PATCH = _serve

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-provider")
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None and self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # ---- serving ---------------------------------------------------------------------------
    def handle(self, http: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(http.path)
        length = int(http.headers.get("Content-Length") or 0)
        request = Request(
            http.command,
            parts.path,
            {k: v[0] for k, v in parse_qs(parts.query).items()},
            {k.lower(): v for k, v in http.headers.items()},
            http.rfile.read(length) if length else b"",
        )
        with self.lock:
            self.requests.append(request)
        try:
            reply = self.dispatch(request)
        except Exception as exc:  # noqa: BLE001 - a bug in the fake; the test will fail on it
            self.errors.append(f"{request.method} {request.path}: {type(exc).__name__}: {exc}")
            reply = Reply(500, {"error": {"message": "fake server bug", "type": "server_error"}})
        self.send(http, reply)

    def dispatch(self, request: Request) -> Reply:
        fault = self._take_fault(request)
        if fault is not None and not fault[1]:
            return fault[0]
        if not self.authorized(request):
            return self.unauthorized()
        for method, pattern, handler in self.routes:
            match = pattern.match(request.path)
            if method == request.method and match:
                with self.lock:
                    reply = handler(request, match)
                return fault[0] if fault is not None else reply
        return Reply(
            404,
            {
                "error": {
                    "message": f"no route {request.method} {request.path}",
                    "type": "not_found",
                }
            },
        )

    def _take_fault(self, request: Request) -> tuple[Reply, bool] | None:
        with self.lock:
            for index, (method, pattern, reply, after) in enumerate(self.faults):
                if method == request.method and re.match(pattern + "$", request.path):
                    del self.faults[index]
                    return reply, after
        return None

    def authorized(self, request: Request) -> bool:
        return request.headers.get("authorization") == f"Bearer {self.api_key}"

    def unauthorized(self) -> Reply:
        return Reply(
            401, {"error": {"message": "Invalid API key provided", "type": "invalid_request_error"}}
        )

    @staticmethod
    def send(http: BaseHTTPRequestHandler, reply: Reply) -> None:
        data = reply.raw if reply.raw is not None else json.dumps(reply.body).encode()
        http.send_response(reply.status)
        http.send_header("Content-Type", reply.headers.get("Content-Type", "application/json"))
        http.send_header("Content-Length", str(len(data)))
        for name, value in reply.headers.items():
            if name != "Content-Type":
                http.send_header(name, value)
        http.end_headers()
        http.wfile.write(data)

    def paths(self, method: str | None = None) -> list[str]:
        return [r.path for r in self.requests if method is None or r.method == method]
