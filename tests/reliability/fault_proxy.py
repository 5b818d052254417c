"""A fault proxy on 127.0.0.1 between the real `openai` client and the practice server.

Every request is forwarded to the server first (so the server really does the work and counts
the request), then the answer is passed on, or damaged by the first rule that matches:

- ``drop``: close the connection without an answer (the create happened; its answer is lost);
- ``hold``: keep the connection open without answering until the proxy stops (for kill -9);
- ``html``: a 200 with a proxy's HTML page instead of the JSON;
- ``truncate``: the first half of the JSON body, under the full Content-Length;
- ``wrong_type``: a 200 whose JSON is a list where an object belongs;
- ``status``: this status and `body` (JSON) instead of the server's answer (with
  ``forward=False`` the server never sees the request, like a real 429);
- ``fail``: a 503 without forwarding (the server never sees it; a failed look-up).

Rules match a method and a regex on the path (query included) and apply `times` times (0: always).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

KINDS = ("drop", "hold", "html", "truncate", "wrong_type", "status", "fail")
HTML_PAGE = (
    b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
    b"<body><h1>Bad Gateway</h1><p>The proxy could not reach the service.</p></body></html>"
)


@dataclass
class Rule:
    kind: str
    path: str
    method: str = "*"
    times: int = 1
    status: int = 400
    body: Any = None  # for ``status``: a dict, or a callable(the request headers) -> dict
    forward: bool = True  # for ``status``: False answers without the server seeing the request
    used: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        assert self.kind in KINDS, self.kind
        self._pattern = re.compile(self.path)

    def takes(self, method: str, path: str) -> bool:
        if self.times and self.used >= self.times:
            return False
        if self.method not in ("*", method) or not self._pattern.search(path):
            return False
        self.used += 1
        return True


class FaultProxy:
    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self.upstream_host = parts.hostname or "127.0.0.1"
        self.upstream_port = parts.port or 80
        self.prefix = parts.path.rstrip("/")
        self.rules: list[Rule] = []
        self.seen: list[tuple[str, str]] = []  # (method, path) of every request, in order
        self._lock = threading.Lock()
        self.stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler, self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fault-proxy"
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{self.prefix}"

    def add(self, rule: Rule) -> Rule:
        with self._lock:
            self.rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()

    def rule_for(self, method: str, path: str) -> Rule | None:
        with self._lock:
            self.seen.append((method, path))
            for rule in self.rules:
                if rule.takes(method, path):
                    return rule
        return None

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.close_all()
        self._server.server_close()
        self._thread.join()


class _Server(ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True

    def __init__(self, address: tuple[str, int], handler: Any, proxy: FaultProxy) -> None:
        self.proxy = proxy
        self.open: set[socket.socket] = set()
        super().__init__(address, handler)

    def close_all(self) -> None:
        for connection in list(self.open):
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that hang up are part of the game


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.open.add(self.connection)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        self.server.open.discard(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._relay("GET")

    def do_POST(self) -> None:
        self._relay("POST")

    def do_DELETE(self) -> None:
        self._relay("DELETE")

    def _relay(self, method: str) -> None:
        proxy = self.server.proxy
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        rule = proxy.rule_for(method, self.path)
        if rule is not None and rule.kind == "fail":
            self._answer(503, b'{"error": {"message": "proxy says no", "type": "server_error"}}')
            return
        if rule is not None and rule.kind == "status" and not rule.forward:
            self._answer(rule.status, self._made_body(rule))
            return
        status, headers, answer = self._forward(method, body)
        if rule is None:
            self._answer(status, answer, headers.get("content-type", "application/json"))
        elif rule.kind == "drop":
            self._hang_up()
        elif rule.kind == "hold":
            proxy.stopping.wait()
            self._hang_up()
        elif rule.kind == "html":
            self._answer(200, HTML_PAGE, "text/html; charset=utf-8")
        elif rule.kind == "truncate":
            self._answer(200, answer[: len(answer) // 2], length=len(answer))
            self._hang_up()
        elif rule.kind == "wrong_type":
            self._answer(200, b'["not", "an", "object"]')
        else:  # status
            self._answer(rule.status, self._made_body(rule))

    def _made_body(self, rule: Rule) -> bytes:
        made = rule.body(self.headers) if callable(rule.body) else rule.body
        return json.dumps(made).encode()

    def _forward(self, method: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
        proxy = self.server.proxy
        upstream = http.client.HTTPConnection(proxy.upstream_host, proxy.upstream_port, timeout=30)
        try:
            skip = {"host", "content-length", "connection"}
            headers = {k: v for k, v in self.headers.items() if k.lower() not in skip}
            upstream.request(method, self.path, body=body or None, headers=headers)
            reply = upstream.getresponse()
            data = reply.read()
            return reply.status, {k.lower(): v for k, v in reply.getheaders()}, data
        finally:
            upstream.close()

    def _answer(
        self,
        status: int,
        data: bytes,
        content_type: str = "application/json",
        *,
        length: int | None = None,
    ) -> None:
        with contextlib.suppress(OSError):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data) if length is None else length))
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()

    def _hang_up(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
