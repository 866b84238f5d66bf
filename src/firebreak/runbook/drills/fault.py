"""Drills: the fault protocol — create a real fault, observe it, describe its alert, clean up."""

from __future__ import annotations

import socket
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Observation:
    """Whether the fault is present right now, in words a responder reads."""

    faulty: bool
    detail: str


class Fault(Protocol):
    """One kind of breakage a drill creates on a local service it owns (nothing shared is disturbed)."""

    service: str
    alert_name: str

    def start(self) -> None:
        """Create the fault (and whatever dedicated service or role it needs)."""

    def observe(self) -> Observation:
        """Check the fault from the outside, the way a client would notice it."""

    def alert_labels(self) -> Mapping[str, str]:
        """Labels of the alert a monitoring system would send for this fault."""

    def target(self) -> Mapping[str, str]:
        """The service's execution target in the drill's configuration (name, kind, dsn or url)."""

    def label_placeholders(self) -> list[str]:
        """The placeholders the drill's alert labels fill (e.g. the role whose connections leak)."""

    def environment(self) -> Mapping[str, str]:
        """Environment variables the target reads (`env:NAME`), when not set already."""

    def stop(self) -> None:
        """Remove everything the drill created; safe to call twice."""


def free_port() -> int:
    """A TCP port nothing listens on right now, chosen by the OS."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
