"""A local HTTP server standing in for a vendor's API: it serves documented-shape answers, pages them, and can
answer 429 first — the fetch path runs against real HTTP, never the vendor."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Answer = tuple[int, dict[str, str], Any]
Route = Callable[[dict[str, list[str]]], Answer]


@dataclass
class VendorApi:
    """Routes by path; every request is recorded (path, query, Authorization header)."""

    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, list[str]], str | None]] = field(default_factory=list)
    base_url: str = ""
    busy_once: set[str] = field(default_factory=set)  # paths answered 429 on their first request

    def json(self, path: str, body: Any) -> None:
        self.routes[path] = lambda query: (200, {}, body)

    def answer(self, path: str, query: dict[str, list[str]], auth: str | None) -> Answer:
        self.requests.append((path, query, auth))
        if path in self.busy_once:
            self.busy_once.discard(path)
            return 429, {"Retry-After": "0"}, {"error": "rate limited"}
        route = self.routes.get(path)
        return route(query) if route else (404, {}, {"error": f"no route {path}"})


@contextmanager
def serving(api: VendorApi) -> Iterator[VendorApi]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            status, headers, body = api.answer(parts.path, parse_qs(parts.query), self.headers.get("Authorization"))
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/calendar" if isinstance(body, str) else "application/json")
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    api.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def offset_pages(key: str, items: list[Any]) -> Route:
    """PagerDuty paging: `limit`/`offset` in, `more` out (pages of at most two, whatever the client asks)."""
    def route(query: dict[str, list[str]]) -> Answer:
        offset = int(query.get("offset", ["0"])[0])
        limit = min(int(query.get("limit", ["25"])[0]), 2)
        return 200, {}, {key: items[offset:offset + limit], "limit": limit, "offset": offset,
                         "more": offset + limit < len(items), "total": None}
    return route
