"""One structured access line per request: method, path, status, duration, client, request id.

The path is logged without its query string (where callers put tokens), and path parameters
that carry a credential — the signed token of an acknowledge link — are masked; the log's own
redaction then applies to the whole line.
"""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from firebreak.kernel.redact import MASK, is_secret_key

LOG = logging.getLogger("firebreak.http.access")


def logged_path(scope: Scope) -> str:
    """The request path with secret-carrying path parameters masked (never the query string)."""
    path: str = scope.get("path", "")
    route = scope.get("route")
    params = scope.get("path_params") or {}
    secret = {name for name in params if is_secret_key(name)}
    if route is not None and secret and hasattr(route, "path_format"):
        path = str(route.path_format)
        for name, value in params.items():
            path = path.replace("{" + name + "}", MASK if name in secret else str(value))
    return path


class AccessLogMiddleware:
    """Logs each HTTP request once it has been answered (or has failed)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the server answers if the app fails before starting a response

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            client = scope.get("client")
            LOG.info("http.request", extra={
                "method": scope.get("method"), "path": logged_path(scope), "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "client": client[0] if client else None,
                "request_id": (scope.get("state") or {}).get("request_id")})
