"""`serve`'s listening socket: bound before anything says ready, handed to uvicorn as it is."""

from __future__ import annotations

import socket
from collections.abc import Callable

import uvicorn

BACKLOG = 2048


class PortUnavailable(OSError):
    """The address cannot be listened on; the message names host:port and why."""


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port (port 0 picks a free one), or PortUnavailable.

    The socket listens at once, so the port is held from here on: nothing else can take it
    between this check and the server's start.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise PortUnavailable(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
    family, kind, proto, _name, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(BACKLOG)
    except OSError as exc:
        sock.close()
        reason = exc.strerror or str(exc)
        raise PortUnavailable(f"cannot listen on {host}:{port}: {reason.lower()}") from exc
    return sock


def bound_port(sock: socket.socket) -> int:
    """The port a socket is bound to (the one chosen when 0 was asked for)."""
    return int(sock.getsockname()[1])


class ReadyServer(uvicorn.Server):
    """A uvicorn server that calls `on_ready` once the application started and the socket accepts."""

    def __init__(self, config: uvicorn.Config, on_ready: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_ready = on_ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started and not self.should_exit:
            self._on_ready()
