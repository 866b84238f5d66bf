"""A real Firebreak HTTP server on a free port, in a background thread (for real senders)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn
from fastapi import FastAPI

from firebreak.http.app import create_app
from firebreak.kernel.clock import SystemClock
from firebreak.kernel.settings import Settings
from firebreak.runtime import Runtime


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_server(runtime: Runtime, *, port: int | None = None, app: FastAPI | None = None) -> Iterator[str]:
    """Serve `runtime` (or an `app` made for it) over real HTTP on `port`, or a free one; yields the base URL."""
    port = port or free_port()
    config = uvicorn.Config(app or create_app(runtime), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.05)
    else:
        raise RuntimeError("Firebreak test server did not start")
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@contextmanager
def server_on(settings: Settings) -> Iterator[str]:
    """A real server on its own runtime (system clock) for `settings`; yields the base URL."""
    runtime = Runtime(settings, clock=SystemClock())
    try:
        with live_server(runtime) as url:
            yield url
    finally:
        runtime.close()


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.2):  # type: ignore[no-untyped-def]
    """Poll until `predicate()` is truthy; return its value or raise on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(interval)
