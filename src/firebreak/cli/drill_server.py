"""`firebreak drill run`: the Firebreak server a drill exercises, started in this process on a free port.

It has the drill's configuration, its own database (SQLite in a scratch folder unless told
otherwise), the example runbooks imported, and tokens for an integration and two responders.
The drill itself (`firebreak.runbook.drills.run`) only talks to it over HTTP.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import uvicorn

from firebreak.config.models import Config
from firebreak.db.migrate import upgrade
from firebreak.db.session import transaction
from firebreak.http.app import create_app
from firebreak.kernel.settings import Settings
from firebreak.runbook.drills.fault import free_port
from firebreak.runbook.drills.target import Credentials
from firebreak.runbook.intake.importer import import_paths
from firebreak.runbook.library import store
from firebreak.runtime import Runtime
from firebreak.security.tokens import create_token


class DrillServer:
    """One in-process Firebreak server for one drill."""

    def __init__(self, *, config: Config, data_dir: Path, runbooks: Path, port: int,
                 database_url: str | None = None) -> None:
        url = database_url or f"sqlite:///{data_dir / 'drill.db'}"
        upgrade(url)
        self.settings = Settings(database_url=url, data_dir=data_dir, run_worker=False, host="127.0.0.1", port=port)
        self.runtime = Runtime(self.settings, initial_config=config)
        now = self.runtime.clock.now()
        with transaction(self.runtime.session_factory) as session:
            store.save_runbooks(session, runbooks=import_paths([runbooks]), now=now, actor="drill")
            suffix = f"{port}-{int(time.time())}"
            self.credentials = Credentials(
                ingest=create_token(session, name=f"drill-ingest-{suffix}", role="ingest", now=now).secret,
                requester=create_token(session, name=f"drill-requester-{suffix}", role="responder", now=now).secret,
                approver=create_token(session, name=f"drill-approver-{suffix}", role="responder", now=now).secret)
        self.url = f"http://127.0.0.1:{port}"
        self._server = uvicorn.Server(uvicorn.Config(create_app(self.runtime), host="127.0.0.1", port=port,
                                                     log_level="warning", lifespan="on"))
        self._thread = threading.Thread(target=self._server.run, name="firebreak-drill-server", daemon=True)

    def start(self, timeout: float = 20.0) -> None:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"the drill server did not start on {self.url}")
            time.sleep(0.02)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=20)
        self.runtime.close()


def start_drill_server(*, config: Config, data_dir: Path, runbooks: Path, database_url: str | None) -> DrillServer:
    """Start a drill's server on a free port (a `StartServer` for `run_drill`)."""
    server = DrillServer(config=config, data_dir=data_dir, runbooks=runbooks, port=free_port(),
                         database_url=database_url)
    try:
        server.start()
    except RuntimeError:
        server.stop()
        raise
    return server
