"""`firebreak serve`: migrate, bootstrap credentials on first start, and run the HTTP server."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import typer
import uvicorn

from firebreak.cli.common import console, handle_errors, open_runtime, unit_of_work
from firebreak.http.app import create_app
from firebreak.http.server import server_config, tls_from, trusted_proxies
from firebreak.kernel.redact import redact
from firebreak.runbook import store
from firebreak.runbook.drills.catalog import examples_dir
from firebreak.runbook.importer import import_paths
from firebreak.security.bootstrap import first_start
from firebreak.security.logfilter import install_log_redaction


@handle_errors
def serve(host: str = typer.Option(None, "--host", help="Bind address (default 127.0.0.1)"),
          port: int = typer.Option(None, "--port", help="Port (default 8080)"),
          config: Path = typer.Option(None, "--config", help="YAML configuration (default FIREBREAK_CONFIG, "
                                      "else the bundled example); SIGHUP reloads it"),
          tls_cert: Path = typer.Option(None, "--tls-cert", help="Serve HTTPS with this PEM certificate (chain); "
                                        "SIGHUP reloads it"),
          tls_key: Path = typer.Option(None, "--tls-key", help="The certificate's PEM private key"),
          trusted_proxy: list[str] = typer.Option(None, "--trusted-proxy", help="Believe X-Forwarded-For/-Proto "
                                                  "only from this proxy address or network (repeatable)"),
          ) -> None:
    """Start Firebreak: migrate the database, then serve the API on the printed URL."""
    if config is not None:
        os.environ["FIREBREAK_CONFIG"] = str(config)
    runtime = open_runtime(migrate=True)
    if host:
        runtime.settings.host = host
    if port:
        runtime.settings.port = port
    runtime.settings.tls_cert = tls_cert or runtime.settings.tls_cert
    runtime.settings.tls_key = tls_key or runtime.settings.tls_key
    tls = tls_from(runtime.settings.tls_cert, runtime.settings.tls_key)
    proxies = trusted_proxies([*(trusted_proxy or []), runtime.settings.trusted_proxies])
    install_log_redaction()
    with unit_of_work(runtime) as session:
        first = first_start(session, now=runtime.clock.now(), environ=os.environ)
    if first is not None:
        console.print("[bold]First start: credentials created (shown once, store them now)[/]")
        console.print(f"  admin token : {first.admin_token}")
        console.print(f"  ingest key  : {first.ingest_key}")
        console.print(f"  console     : user {first.admin_user}, password {first.admin_password}")
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
    console.print(f"[bold green]Firebreak is ready at {url}[/]  (API docs: {url}/docs)")
    # Steps a previous process approved or queued but did not get to run (each is claimed once).
    threading.Thread(target=runtime.execution.runner.run_queued, name="firebreak-queued-steps",
                     daemon=True).start()
    app = create_app(runtime)
    uvicorn.Server(server_config(app, host=runtime.settings.host, port=runtime.settings.port, tls=tls,
                                 proxies=proxies, log_level="warning", timeout_graceful_shutdown=10)).run()
