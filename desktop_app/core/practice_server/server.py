"""The practice server: a local HTTP server on 127.0.0.1 that speaks OpenAI's fine-tuning API.

    with PracticeServer(pace=50) as server:
        provider = PracticeProvider(base_url=server.base_url)

It serves under /v1 like OpenAI (base URL http://127.0.0.1:PORT/v1), requires a bearer key (any
non-empty one; keys listed in `revoked_keys` get OpenAI's 401), can inject faults (faults.py),
and stops cleanly: `stop()` ends the serving loop, closes open connections and joins every
thread it started.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from desktop_app.core.practice_server.api import ApiError, PracticeApi, PracticeConfig
from desktop_app.core.practice_server.faults import Fault, FaultPlan
from desktop_app.core.practice_server.multipart import MultipartError, parse_multipart
from desktop_app.core.practice_server.routes import match_route

log = logging.getLogger(__name__)
MAX_JSON_BYTES = 16 * 1024 * 1024


@dataclass(slots=True)
class RequestRecord:
    """What the server saw of one request (kept in memory only, for tests).

    Recorded as soon as the request arrives, so it is there before the client has its answer;
    `status` is filled in just before the answer is sent (None: the connection was dropped).
    """

    method: str
    path: str
    query: str
    headers: dict[str, str]
    received: float
    status: int | None = None


class PracticeServer:
    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        pace: float = 1.0,
        config: PracticeConfig | None = None,
        faults: Iterable[Fault] = (),
    ) -> None:
        self.config = config or PracticeConfig(pace=pace)
        if config is None:
            self.config.pace = pace
        self.api = PracticeApi(self.config)
        self.faults = FaultPlan(list(faults))
        self.requests: deque[RequestRecord] = deque(maxlen=2000)
        self._host = host
        self._port = port
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.stopping = threading.Event()
        self._answered: dict[tuple[str, str], tuple[int, Any]] = {}
        self._idempotency_lock = threading.Lock()
        self._idempotency_locks: dict[tuple[str, str], threading.Lock] = {}
        self.replays = 0  # answers given again for a resent Idempotency-Key (tests count them)

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the practice server is not running")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self._host}:{self.port}{self.config.prefix}"

    def start(self) -> PracticeServer:
        if self._httpd is not None:
            return self
        self._httpd = _HTTPServer((self._host, self._port), _Handler, self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="practice-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_until_interrupted(self) -> None:
        """Serve in the calling thread until Ctrl+C (for `ftstudio practice-server`)."""
        self.start()
        try:
            while self._thread is not None and self._thread.is_alive():
                self._thread.join(0.2)
        finally:
            self.stop()

    def stop(self) -> None:
        httpd, thread = self._httpd, self._thread
        if httpd is None:
            return
        self.stopping.set()
        httpd.shutdown()
        httpd.close_connections()
        httpd.server_close()  # joins the request threads
        if thread is not None:
            thread.join()
        self._httpd = self._thread = None

    def __enter__(self) -> PracticeServer:
        return self.start()

    def replayed(
        self, method: str, path: str, headers: dict[str, str], route: Callable[[], tuple[int, Any]]
    ) -> tuple[int, Any]:
        """Like OpenAI: a POST carrying an Idempotency-Key the server has already answered gets
        that first answer again, and nothing is created twice. Only successes are kept."""
        key = headers.get("idempotency-key")
        if method != "POST" or not key:
            return route()
        with self._idempotency_lock:
            lock = self._idempotency_locks.setdefault((path, key), threading.Lock())
        with lock:  # a resend that arrives while the first is still working waits for it
            if (path, key) in self._answered:
                self.replays += 1
                return self._answered[(path, key)]
            answer = route()
            self._answered[(path, key)] = answer
            return answer

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins them, so nothing outlives stop()
    block_on_close = True

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[BaseHTTPRequestHandler],
        practice: PracticeServer,
    ) -> None:
        self.practice = practice
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, handler)

    def track(self, connection: socket.socket, add: bool) -> None:
        with self._connections_lock:
            if add:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-request is normal here (cancelled uploads, dropped streams).
        log.debug("practice server: a connection from %s ended abruptly", client_address)

    def close_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class _DropConnection(Exception):
    """Close the connection without an answer (fault injection)."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HTTPServer
    timeout = 30  # an idle keep-alive connection ends after this many seconds
    disable_nagle_algorithm = True  # headers and body go out at once (no 40 ms delayed-ACK stall)

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:
        if log.isEnabledFor(logging.DEBUG):
            log.debug("practice server: %s", format % args)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    # ---- one request -----------------------------------------------------------------------
    def _handle(self, method: str) -> None:
        practice = self.server.practice
        url = urlsplit(self.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        record = RequestRecord(method, url.path, url.query, headers, time.monotonic())
        try:
            body = self._read_body()
            practice.requests.append(record)
            prefix = practice.config.prefix
            if not url.path.startswith(prefix + "/"):
                raise ApiError(
                    404,
                    f"Unknown URL {url.path}: the practice API lives under {prefix}/.",
                    code="unknown_url",
                )
            path = url.path[len(prefix) :]
            fault = practice.faults.take(method, path)
            if fault is not None:
                self._apply_fault_before(fault, record)
                if fault.kind in ("status", "malformed", "drop"):
                    return
            self._authenticate(headers)
            status, payload = practice.replayed(
                method, path, headers, lambda: self._route(method, path, url.query, headers, body)
            )
            if fault is not None and fault.kind == "drop_after":
                raise _DropConnection()
            record.status = status
            self._send(status, payload)
        except ApiError as exc:
            record.status = exc.status
            extra = {"www-authenticate": "Bearer"} if exc.status == 401 else {}
            with contextlib.suppress(OSError):
                self._send_json(exc.status, exc.body(), extra)
        except _DropConnection:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:  # the client hung up (BrokenPipe, ConnectionReset)
            self.close_connection = True

    def _read_body(self) -> bytes:
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            return self._read_chunked()
        length = int(self.headers.get("content-length") or 0)
        limit = self.server.practice.config.max_file_bytes + MAX_JSON_BYTES
        if length > limit:
            self.close_connection = True
            raise ApiError(413, "The request is too large.")
        return self.rfile.read(length) if length else b""

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline()

    def _apply_fault_before(self, fault: Fault, record: RequestRecord) -> None:
        if fault.kind == "slow":
            stopping = self.server.practice.stopping
            if fault.release is None:
                stopping.wait(fault.delay)
            while fault.release is not None and not stopping.is_set():
                if fault.release.wait(0.05):  # (short waits, so that stopping ends it too)
                    break
        elif fault.kind == "drop":
            raise _DropConnection()
        elif fault.kind == "malformed":
            record.status = 200
            self._send_raw(
                200, b'{"id": "ftjob-broken", "object": "fine_tuning.jo', "application/json"
            )
        elif fault.kind == "status":
            record.status = fault.status
            headers = {}
            if fault.retry_after is not None:
                headers["retry-after"] = f"{fault.retry_after:g}"
            self._send_json(fault.status, _fault_body(fault.status), headers)

    def _authenticate(self, headers: dict[str, str]) -> None:
        auth = headers.get("authorization", "")
        key = auth[7:].strip() if auth.lower().startswith("bearer ") else headers.get("api-key", "")
        if not key:
            raise ApiError(
                401,
                "You didn't provide an API key. You need to provide your API key in an "
                "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            )
        if key in self.server.practice.config.revoked_keys:
            masked = f"{key[:3]}*****{key[-4:]}" if len(key) > 8 else "*****"
            raise ApiError(
                401,
                f"Incorrect API key provided: {masked}. You can find your API key at "
                "https://platform.openai.com/account/api-keys.",
                code="invalid_api_key",
            )

    def _route(
        self, method: str, path: str, query_text: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, Any]:
        api = self.server.practice.api
        handler, args = match_route(method, path)
        query = dict(parse_qsl(query_text, keep_blank_values=True))
        content_type = headers.get("content-type", "")
        if handler.body == "multipart":
            try:
                parsed: Any = parse_multipart(content_type, body)
            except MultipartError as exc:
                raise ApiError(400, f"Could not read the multipart form: {exc}.") from exc
        elif handler.body == "json":
            parsed = _json_body(body)
        else:
            parsed = query
        return 200, handler.call(api, args, parsed)

    # ---- sending ---------------------------------------------------------------------------
    def _send(self, status: int, payload: Any) -> None:
        if isinstance(payload, bytes):
            self._send_raw(status, payload, "application/octet-stream")
        elif isinstance(payload, _Stream):
            self._send_stream(payload)
        else:
            self._send_json(status, payload)

    def _send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode("utf-8")
        self._send_raw(status, data, "application/json", headers)

    def _send_raw(
        self, status: int, data: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-request-id", f"req_practice_{time.monotonic_ns()}")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _send_stream(self, stream: _Stream) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        config = self.server.practice.config
        delay = config.chat_piece_delay / max(config.pace, 1e-6)
        stopping = self.server.practice.stopping
        for chunk in stream.chunks:
            if stopping.is_set():
                self.close_connection = True
                return
            self._write_chunk(b"data: " + json.dumps(chunk).encode("utf-8") + b"\n\n")
            if delay > 0:
                stopping.wait(delay)
        self._write_chunk(b"data: [DONE]\n\n")
        self.wfile.write(b"0\r\n\r\n")

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):X}\r\n".encode("ascii") + data + b"\r\n")
        self.wfile.flush()


class _Stream:
    def __init__(self, chunks: Iterable[dict[str, Any]]) -> None:
        self.chunks = chunks


def stream_response(chunks: Iterable[dict[str, Any]]) -> _Stream:
    return _Stream(chunks)


def _json_body(body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    try:
        value = json.loads(body)
    except ValueError as exc:
        raise ApiError(400, "We could not parse the JSON body of your request.") from exc
    if not isinstance(value, dict):
        raise ApiError(400, "The JSON body must be an object.")
    return value


def _fault_body(status: int) -> dict[str, Any]:
    if status == 429:
        return ApiError(
            429,
            "Rate limit reached for requests. Please try again later.",
            type="requests",
            code="rate_limit_exceeded",
        ).body()
    if status == 503:
        return ApiError(
            503, "The engine is currently overloaded, please try again later.", type="server_error"
        ).body()
    if status >= 500:
        return ApiError(
            status, "The server had an error while processing your request.", type="server_error"
        ).body()
    return ApiError(status, f"Injected error {status}.").body()
