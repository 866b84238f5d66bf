"""Audit of every state-changing request: who, what, when, from where, outcome.

Every request other than GET, HEAD and OPTIONS is written to the hash-chained audit log —
allowed, refused, failed or timed out alike — before its response reaches the client, so a
client that saw an answer can rely on the audit entry existing.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from firebreak.kernel.redact import MASK, is_secret_key, redact, redact_value
from firebreak.runtime import Runtime
from firebreak.security import audit
from firebreak.security.audit_writer import AuditWriter
from firebreak.security.roles import Principal

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Error bodies are problem+json and small; only that much is held back to read the detail.
MAX_HELD_BODY = 64 * 1024


def who(state: dict[str, Any]) -> tuple[str, str | None, str]:
    """Actor name, role and how they authenticated (anonymous when nobody did)."""
    principal = state.get("principal")
    if isinstance(principal, Principal):
        return principal.name, principal.role, principal.via
    claimed = state.get("audit_actor")
    if isinstance(claimed, str) and claimed:
        return claimed[:255], None, "anonymous"
    return "anonymous", None, "anonymous"


def action_of(scope: Scope) -> str:
    """The route template the request matched (`POST /api/v1/incidents/{incident_id}/acknowledge`)."""
    route = scope.get("route")
    template = getattr(route, "path", None) if route is not None else None
    return f"{scope.get('method', '?')} {template or redact(scope.get('path', ''))}"[:255]


def problem_detail(body: bytes) -> str | None:
    """The `detail` of a problem+json body, if that is what it is."""
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if isinstance(parsed, dict):
        detail = parsed.get("detail") or parsed.get("message")
        if isinstance(detail, str):
            return detail
    return None


def event_of(scope: Scope, *, status: int, detail: str | None, now: datetime) -> audit.AuditEvent:
    state = scope.get("state") or {}
    actor, role, via = who(state)
    client = scope.get("client")
    target = {str(k): str(v) for k, v in (scope.get("path_params") or {}).items()}
    path = str(scope.get("path", ""))
    for name, value in target.items():
        # A credential carried in the path (a signed link) is not kept in the log.
        if is_secret_key(name) and value:
            path = path.replace(value, MASK)
    return audit.AuditEvent(
        at=now, actor=actor, role=role, via=via, method=str(scope.get("method", "?"))[:16],
        path=redact(path)[:2000], action=action_of(scope), status=status,
        request_id=str(state.get("request_id", ""))[:64], client=client[0] if client else None,
        target=redact_value(target), detail=redact(detail) if detail else None,
        limited=bool(state.get("rate_limited")))


class AuditMiddleware:
    """Write an audit entry for each state-changing request, then let its response through."""

    def __init__(self, app: ASGIApp, *, runtime: Runtime) -> None:
        self.app = app
        self.runtime = runtime
        self.writer = AuditWriter(runtime.session_factory)

    async def record(self, scope: Scope, *, status: int, detail: str | None) -> None:
        event = event_of(scope, status=status, detail=detail, now=self.runtime.clock.now())
        try:
            await asyncio.wrap_future(self.writer.submit(event))
        except Exception:  # logged by the writer; the request's own outcome stands
            return

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        held: list[Message] = []
        held_size = 0
        status = 0
        recorded = False

        async def flush() -> None:
            for message in held:
                await send(message)
            held.clear()

        async def audited_send(message: Message) -> None:
            nonlocal status, recorded, held_size
            if recorded:
                await send(message)
                return
            if message["type"] == "http.response.start":
                status = int(message["status"])
                if status < 400:
                    await self.record(scope, status=status, detail=None)
                    recorded = True
                    await send(message)
                    return
                held.append(message)
                return
            if message["type"] == "http.response.body":
                held.append(message)
                held_size += len(message.get("body", b""))
                if not message.get("more_body", False) or held_size > MAX_HELD_BODY:
                    body = b"".join(m.get("body", b"") for m in held if m["type"] == "http.response.body")
                    detail = problem_detail(body) if held_size <= MAX_HELD_BODY else None
                    await self.record(scope, status=status, detail=detail)
                    recorded = True
                    await flush()
                return
            await send(message)

        try:
            await self.app(scope, receive, audited_send)
        except Exception as exc:
            if not recorded:
                await self.record(scope, status=500, detail=f"unhandled {type(exc).__name__}")
                recorded = True
            raise
        if not recorded and status:
            await self.record(scope, status=status, detail=None)
            await flush()
