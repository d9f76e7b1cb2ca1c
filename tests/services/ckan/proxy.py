"""A tiny HTTP proxy on 127.0.0.1 in front of the test CKAN that can play a portal in trouble.

``proxy.rule`` decides per request: ``None`` passes it on, a number answers with that status and an
HTML error page (as a failing web server does), ``"drop"`` closes the connection without an answer,
and ``("slow", seconds)`` waits before passing it on.
"""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

Rule = Callable[[str, str], Any]  # (method, path) → None | status | "drop" | ("slow", seconds)
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class TroubleProxy:
    def __init__(self, target: str):
        self.target = urlsplit(target)
        self.rule: Rule = lambda method, path: None
        self.seen: list[tuple[str, str, Any]] = []  # (method, path, what the rule did)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                proxy._handle(self)

            def do_POST(self) -> None:
                proxy._handle(self)

            def log_message(self, *args: Any) -> None:  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> TroubleProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        body = request.rfile.read(int(request.headers.get("Content-Length") or 0))
        decision = self.rule(request.command, request.path)
        self.seen.append((request.command, request.path, decision))
        if decision == "drop":
            request.close_connection = True
            request.connection.close()
            return
        if isinstance(decision, int):
            page = f"<html><body><h1>{decision}</h1></body></html>".encode()
            request.send_response(decision)
            request.send_header("Content-Type", "text/html")
            request.send_header("Content-Length", str(len(page)))
            request.end_headers()
            request.wfile.write(page)
            return
        if isinstance(decision, tuple) and decision[0] == "slow":
            time.sleep(decision[1])
        self._forward(request, body)

    def _forward(self, request: BaseHTTPRequestHandler, body: bytes) -> None:
        assert self.target.hostname is not None
        connection = http.client.HTTPConnection(self.target.hostname, self.target.port, timeout=120)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        connection.request(request.command, request.path, body=body or None, headers=headers)
        answer = connection.getresponse()
        content = answer.read()
        try:
            request.send_response(answer.status)
            for key, value in answer.getheaders():
                if key.lower() not in HOP_BY_HOP:
                    request.send_header(key, value)
            request.send_header("Content-Length", str(len(content)))
            request.end_headers()
            request.wfile.write(content)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a timeout test)
        finally:
            connection.close()
