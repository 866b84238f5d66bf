"""Drills: the running Firebreak a drill exercises, as the drill sees it — an address and three tokens.

Starting that server is the caller's part (`firebreak.cli.drill_server`): a drill only talks to it
over HTTP, like any other client.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from firebreak.config.models import Config


@dataclass(frozen=True)
class Credentials:
    """Tokens for the drill's alert sender and its two responders (one requests, one approves)."""

    ingest: str
    requester: str
    approver: str


class DrillTarget(Protocol):
    """A started Firebreak server for one drill."""

    @property
    def url(self) -> str: ...

    @property
    def credentials(self) -> Credentials: ...

    def stop(self) -> None: ...


class StartServer(Protocol):
    """Start a Firebreak server with `config`, its data in `data_dir`, the runbooks of `runbooks` imported."""

    def __call__(self, *, config: Config, data_dir: Path, runbooks: Path,
                 database_url: str | None) -> DrillTarget: ...
