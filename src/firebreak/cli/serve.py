"""`firebreak serve`: take the port, migrate, bootstrap credentials on first start, and run the HTTP server."""

from __future__ import annotations

import logging
import os
import signal
import threading
from pathlib import Path
from types import FrameType

import typer

from firebreak.cli.common import console, fail, handle_errors, reveal
from firebreak.cli.database import open_runtime, unit_of_work
from firebreak.cli.listen import PortUnavailable, ReadyServer, bind, bound_port
from firebreak.cli.logs import LOG_FORMAT, setup_logging
from firebreak.http.app import create_app
from firebreak.http.server import server_config, tls_from, trusted_proxies
from firebreak.kernel.redact import redact
from firebreak.kernel.settings import Settings
from firebreak.runbook.drills.catalog import examples_dir
from firebreak.runbook.intake.importer import import_paths
from firebreak.runbook.library import store
from firebreak.security.bootstrap import first_start

LOG = logging.getLogger("firebreak.server")


def stopped_by(signum: int, frame: FrameType | None) -> None:
    """Signal handler for the moment after the server has shut down: nothing is left to stop."""


@handle_errors
def serve(host: str = typer.Option(None, "--host", help="Bind address (default 127.0.0.1)"),
          port: int = typer.Option(None, "--port", help="Port (default 8080; 0 picks a free one)"),
          config: Path = typer.Option(None, "--config", help="YAML configuration (default FIREBREAK_CONFIG, "
                                      "else the bundled example); SIGHUP reloads it"),
          tls_cert: Path = typer.Option(None, "--tls-cert", help="Serve HTTPS with this PEM certificate (chain); "
                                        "SIGHUP reloads it"),
          tls_key: Path = typer.Option(None, "--tls-key", help="The certificate's PEM private key"),
          trusted_proxy: list[str] = typer.Option(None, "--trusted-proxy", help="Believe X-Forwarded-For/-Proto "
                                                  "only from this proxy address or network (repeatable)"),
          log_format: str = LOG_FORMAT) -> None:
    """Start Firebreak: take the port, migrate the database, then serve the API on the printed URL."""
    if config is not None:
        os.environ["FIREBREAK_CONFIG"] = str(config)
    if host:
        os.environ["FIREBREAK_HOST"] = host
    if port is not None:
        os.environ["FIREBREAK_PORT"] = str(port)
    for name, path in (("FIREBREAK_TLS_CERT", tls_cert), ("FIREBREAK_TLS_KEY", tls_key)):
        if path is not None:
            os.environ[name] = str(path)
    wanted = Settings()
    setup_logging(wanted, log_format)
    tls = tls_from(wanted.tls_cert, wanted.tls_key)
    proxies = trusted_proxies([*(trusted_proxy or []), wanted.trusted_proxies])
    # The port is taken first: a busy one ends here, before anything is migrated, created or called ready.
    try:
        sock = bind(wanted.host, wanted.port)
    except PortUnavailable as exc:
        raise fail(str(exc)) from exc
    # Links in pages name the port actually bound (`--port 0` picks one) and the scheme served.
    os.environ["FIREBREAK_PORT"] = str(bound_port(sock))
    runtime = open_runtime(migrate=True)
    with unit_of_work(runtime) as session:
        first = first_start(session, now=runtime.clock.now(), environ=os.environ)
    if first is not None:
        console.print("[bold]First start: credentials created (shown once, store them now)[/]")
        reveal(f"  admin token : {first.admin_token}")
        reveal(f"  ingest key  : {first.ingest_key}")
        reveal(f"  sign-in     : user {first.admin_user}, password {first.admin_password}")
    runbook_dir = runtime.settings.runbooks or examples_dir()
    with unit_of_work(runtime) as session:
        report = store.save_runbooks(session, runbooks=import_paths([runbook_dir]), now=runtime.clock.now(),
                                     actor="serve")
    console.print(f"runbooks  {runbook_dir}: {len(report.created)} new, {len(report.updated)} updated, "
                  f"{len(report.unchanged)} unchanged")
    console.print(f"database  {redact(runtime.settings.resolved_database_url())}")
    console.print(f"config    {runtime.config_holder.path} (send SIGHUP to reload)")
    runtime.config_holder.install_sighup()
    if tls is not None:
        tls.install_sighup()
    if proxies:
        console.print(f"proxies   forwarded headers believed from {', '.join(proxies)}")
    url = f"{'https' if tls else 'http'}://{runtime.settings.host}:{runtime.settings.port}"
    # Steps a previous process approved or queued but did not get to run (each is claimed once).
    threading.Thread(target=runtime.execution.runner.run_queued, name="firebreak-queued-steps",
                     daemon=True).start()
    app = create_app(runtime)
    # uvicorn shuts down gracefully on SIGTERM/SIGINT, then raises the signal again once it has
    # restored the handlers it found: these let the command finish, log the shutdown and exit 0.
    signal.signal(signal.SIGTERM, stopped_by)
    signal.signal(signal.SIGINT, stopped_by)
    # uvicorn's own lines go through the structured log; the access line is Firebreak's own.
    config = server_config(app, host=runtime.settings.host, port=runtime.settings.port, tls=tls, proxies=proxies,
                           log_config=None, access_log=False, log_level=runtime.settings.log_level.lower(),
                           timeout_graceful_shutdown=10)
    ReadyServer(config, on_ready=lambda: console.print(
        f"[bold green]Firebreak is ready at {url}[/]  (API docs: {url}/docs)")).run(sockets=[sock])
    LOG.info("server.stopped", extra={"host": runtime.settings.host, "port": runtime.settings.port})
