"""Request identity and the last line of defence: a request id on every response, and any
unexpected error answered as a problem+json 500 that reveals nothing but that id."""

from __future__ import annotations

import logging
import re
import uuid

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from firebreak.http.problems import problem
from firebreak.kernel.redact import redact

REQUEST_ID_HEADER = "X-Request-ID"
# An inbound id is echoed only if it cannot smuggle anything into a header or a log line.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
log = logging.getLogger("firebreak.http")


def request_id_of(scope: Scope) -> str:
    """The caller's X-Request-ID when it is safe to echo, else a fresh one."""
    for name, value in scope.get("headers") or []:
        if name == b"x-request-id":
            candidate = value.decode("latin-1")
            if SAFE_REQUEST_ID.fullmatch(candidate):
                return candidate
            break
    return uuid.uuid4().hex


class RequestContextMiddleware:
    """Tag requests with an id; turn unhandled errors into a 500 problem and a redacted log line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception("unhandled error in %s %s (request %s)", scope.get("method"),
                          redact(scope.get("path", "")), request_id)
            if started:
                raise
            response = problem(500, "Internal error",
                               f"the server failed to handle the request; quote request id {request_id}")
            response.headers[REQUEST_ID_HEADER] = request_id
            await response(scope, receive, send)
