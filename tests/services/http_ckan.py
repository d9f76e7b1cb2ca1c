"""FakeCKAN (``tests.services.fake_ckan``) served over HTTP in a thread, so worker processes publish to it as to
a portal: ``POST /api/3/action/NAME`` with a JSON body, answered in CKAN's envelope. Each package_create can
be slowed down (``delay``), so a test can kill a worker in the middle of a run."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ckanapi import NotFound, ValidationError

from tests.services.fake_ckan import FakeCKAN


class HttpCKAN:
    def __init__(self, delay: float = 0.0) -> None:
        self.fake = FakeCKAN()
        self.delay = delay
        self.creates: Counter[str] = Counter()  # package name → package_create calls that succeeded
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                action = self.path.rstrip("/").rsplit("/", 1)[-1]
                length = int(self.headers.get("Content-Length") or 0)
                data = json.loads(self.rfile.read(length) or b"{}")
                status, body = owner.answer(action, data)
                raw = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                except (BrokenPipeError, ConnectionResetError):  # the worker was killed while waiting
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, action: str, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if action == "package_create" and self.delay:
            time.sleep(self.delay)
        try:
            with self.lock:
                result = self.fake.call_action(action, data)
                if action == "package_create":
                    self.creates[data["name"]] += 1
        except NotFound:
            return 404, {"success": False, "error": {"__type": "Not Found Error", "message": "Not found"}}
        except ValidationError as exc:
            return 409, {"success": False, "error": {**exc.error_dict, "__type": "Validation Error"}}
        return 200, {"success": True, "result": result}

    def packages_named(self, name: str) -> list[dict[str, Any]]:
        return [p for p in self.fake.packages.values() if p["name"] == name and p["state"] == "active"]

    def __enter__(self) -> HttpCKAN:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
