"""Request input guard: body size cap (413) and NUL characters (422), before the application runs.

A declared Content-Length over the cap is refused at once; any other body is read up to the cap
and handed on. NUL characters are refused wherever they appear — path, query string, JSON or
form body — because PostgreSQL cannot store them in text and no legitimate input needs them;
refusing them here gives the same clear answer on every store and every endpoint.
"""

from __future__ import annotations

import re

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from firebreak.http.problems import problem

# A JSON \u0000 escape: an odd number of backslashes before "u0000" (an even number is a literal
# backslash followed by the text "u0000").
JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
# Bodies that are files rather than text are left to their handlers.
BINARY_TYPES = (b"multipart/", b"application/octet-stream")


def too_large(limit: int) -> JSONResponse:
    return problem(413, "Payload too large", f"the request body exceeds the {limit}-byte limit", field="body")


def has_nul(body: bytes, content_type: bytes) -> bool:
    """True when a textual body carries a NUL character, raw or as a JSON or form escape.

    Endpoints that read JSON without looking at the Content-Type are covered too: every body
    that is not declared binary is checked for the JSON escape.
    """
    if any(kind in content_type for kind in BINARY_TYPES):
        return False
    if b"\x00" in body or JSON_NUL.search(body) is not None:
        return True
    return b"x-www-form-urlencoded" in content_type and b"%00" in body


def nul_problem(where: str) -> JSONResponse:
    return problem(422, "Invalid input", f"the {where} contains a NUL character (\\u0000), which is not accepted",
                   field=where)


class InputGuardMiddleware:
    """Refuse bodies over `limit` bytes and requests carrying NUL characters, as problem+json."""

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if "\x00" in scope.get("path", ""):
            await nul_problem("path")(scope, receive, send)
            return
        query: bytes = scope.get("query_string", b"")
        if b"%00" in query or b"\x00" in query:
            await nul_problem("query")(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            if not declared.isdigit():
                await problem(400, "Bad request", "Content-Length is not a number",
                              field="content-length")(scope, receive, send)
                return
            if int(declared) > self.limit:
                await too_large(self.limit)(scope, receive, send)
                return
            if int(declared) == 0:
                await self.app(scope, receive, send)
                return
        elif b"transfer-encoding" not in headers:
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.limit:
                await too_large(self.limit)(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
        if has_nul(body, headers.get(b"content-type", b"").lower()):
            await nul_problem("body")(scope, receive, send)
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)
