"""Body size cap for every request: 413 before the application reads an oversized body.

A declared Content-Length over the cap is refused at once; a body without one (chunked) is
read up to the cap and then handed to the application, or refused when it grows past it.
"""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from firebreak.http.problems import problem


def too_large(limit: int) -> JSONResponse:
    return problem(413, "Payload too large", f"the request body exceeds the {limit}-byte limit", field="body")


class BodyLimitMiddleware:
    """Refuse request bodies larger than `limit` bytes with problem+json 413."""

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
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
            await self.app(scope, receive, send)
            return
        if scope.get("method") in ("GET", "HEAD", "OPTIONS", "DELETE") and b"transfer-encoding" not in headers:
            await self.app(scope, receive, send)
            return
        # No declared length: read up to the cap, then replay what was read.
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

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)
