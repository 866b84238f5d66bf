"""Request timeouts: a request that has not started answering within the limit gets a 503.

The deadline and the request's commit race under one lock: either the transaction commits
(and the real answer is sent, however late) or the timeout is answered and the transaction is
rolled back. A client is never told "failed" about a change that was kept. Once a response has
started (a stream, say) the limit no longer applies.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from firebreak.http.problems import problem

log = logging.getLogger("firebreak.http")


class Deadline:
    """Who won: the commit, the response, or the timeout (decided once, under a lock)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state = "running"

    def claim_commit(self) -> bool:
        """True when the request may commit; False once the timeout has been answered."""
        with self._lock:
            if self._state == "expired":
                return False
            self._state = "committed"
            return True

    def claim_response(self) -> bool:
        """True when the handler's response may go out."""
        with self._lock:
            if self._state == "expired":
                return False
            if self._state == "running":
                self._state = "responding"
            return True

    def expire(self) -> bool:
        """True when the timeout wins (nothing committed or sent yet)."""
        with self._lock:
            if self._state != "running":
                return False
            self._state = "expired"
            return True

    @property
    def expired(self) -> bool:
        return self._state == "expired"


def _consume(task: asyncio.Task[Any]) -> None:
    """Retrieve an abandoned handler's outcome so it is logged rather than lost."""
    if task.cancelled():
        return
    exc = task.exception()
    if exc is not None and not isinstance(exc, TimeoutError):
        log.warning("request abandoned after its timeout failed: %r", exc)


class TimeoutMiddleware:
    """Answer 503 when a request has not started its response within `seconds`."""

    def __init__(self, app: ASGIApp, *, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.seconds <= 0:
            await self.app(scope, receive, send)
            return
        deadline = Deadline()
        scope.setdefault("state", {})["deadline"] = deadline
        started = asyncio.Event()

        async def guarded_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                if not deadline.claim_response():
                    return
                started.set()
            elif deadline.expired:
                return
            await send(message)

        task = asyncio.ensure_future(self.app(scope, receive, guarded_send))
        waiter = asyncio.ensure_future(started.wait())
        try:
            await asyncio.wait({task, waiter}, timeout=self.seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiter.cancel()
        if task.done() or started.is_set() or not deadline.expire():
            await task
            return
        task.cancel()
        task.add_done_callback(_consume)
        response = problem(503, "Request timed out",
                           f"the request did not finish within {self.seconds:g} s; try again later",
                           retry_after=5)
        with contextlib.suppress(OSError):
            await response(scope, receive, send)
