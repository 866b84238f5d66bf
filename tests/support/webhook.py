"""A real local webhook receiver (an HTTP server on a free port) that keeps every request it gets.

It can fail the first requests on cue (`fail_first`) or hold requests unanswered (`hold_after`), for
delivery tests; for others it is a plain inbox whose `url` is an apprise `json://` address.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Receiver:
    """A webhook receiver: answers 500 to the first `fail_first` requests, then 200; keeps what it got.

    With `hold_after` set, every request beyond that many accepted ones is kept (its body counts as
    received) but not answered until `gate` is set: the sender is then caught in the middle of a send.
    """

    fail_first: int = 0
    hold_after: int | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)
    accepted: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    gate: threading.Event = field(default_factory=threading.Event)
    held: int = 0
    port: int = 0

    def release_held(self) -> None:
        """Answer the held requests and hold no more."""
        self.hold_after = None
        self.gate.set()

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.port}/hook"


@contextmanager
def receiving(state: Receiver | None = None) -> Iterator[Receiver]:
    """Serve a receiver on 127.0.0.1 until the block ends."""
    state = state or Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            entry = {"headers": dict(self.headers), "body": json.loads(body or b"{}"), "path": self.path}
            with state.lock:
                state.requests.append(entry)
                failing = len(state.requests) <= state.fail_first
                if not failing:
                    state.accepted.append(entry)
                holding = not failing and state.hold_after is not None and len(state.accepted) > state.hold_after
                if holding:
                    state.held += 1
            if holding:
                state.gate.wait(120)
            try:
                self.send_response(500 if failing else 200)
                self.end_headers()
            except OSError:  # the sender went away while its request was held
                return

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release_held()
        server.shutdown()
        server.server_close()
