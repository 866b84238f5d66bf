"""`firebreak serve` and `firebreak worker` as an operator runs them: structured log lines (key=value
or JSON) for every request, failed delivery, reload, worker start and stop and the shutdown —
and no planted secret in any line they print, banners included."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from firebreak.cli.main import app as cli_app
from tests.payloads import alertmanager
from tests.support.live import free_port
from tests.support.planted import (
    ENV_NAME,
    ENV_PASSWORD,
    QUERY_SECRET,
    SECRET_KEY,
    leaks,
    planted_alert,
    with_password,
    write_config,
)

ACK_SECRET = "PlantedAckToken3e"  # a credential in a request's path
KV_FIELD = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\S*)')
KV_LINE = re.compile(r"^ts=\S+ level=[a-z]+ logger=\S+ event=")


class Command:
    """One `firebreak` command in its own process, its output kept in files."""

    def __init__(self, folder: Path, name: str, args: list[str], env: dict[str, str]) -> None:
        self.out_path, self.err_path = folder / f"{name}.out", folder / f"{name}.err"
        with self.out_path.open("wb") as out, self.err_path.open("wb") as err:
            self.proc = subprocess.Popen([sys.executable, "-m", "firebreak.cli.main", *args], env=env,
                                         stdout=out, stderr=err)

    @property
    def out(self) -> str:
        return self.out_path.read_text(errors="replace")

    @property
    def err(self) -> str:
        return self.err_path.read_text(errors="replace")

    def wait_for(self, check: Callable[[], Any], what: str, seconds: float = 90) -> Any:
        """Poll until `check()` is truthy; the process ending first or the deadline fails the test."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            value = check()
            if value:
                return value
            if self.proc.poll() is not None:
                raise AssertionError(f"ended ({self.proc.returncode}) before {what}:\n{self.out}\n{self.err}")
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}:\n{self.out}\n{self.err}")

    def stop(self, seconds: float = 60) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=seconds)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)


def events(text: str, fmt: str) -> list[dict[str, Any]]:
    """Every line of a log as its fields; a line that is not structured fails the test."""
    found = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if fmt == "json":
            found.append(json.loads(line))
        else:
            assert KV_LINE.match(line), f"not a key=value line: {line!r}"
            found.append({key: json.loads(value) if value.startswith('"') else value
                          for key, value in KV_FIELD.findall(line)})
    return found


def named(lines: list[dict[str, Any]], event: str) -> list[dict[str, Any]]:
    return [line for line in lines if line.get("event") == event]


@pytest.fixture
def commands(tmp_path: Path) -> Iterator[Callable[[str, list[str], dict[str, str]], Command]]:
    started: list[Command] = []

    def start(name: str, args: list[str], env: dict[str, str]) -> Command:
        started.append(Command(tmp_path, name, args, env))
        return started[-1]

    yield start
    for command in started:
        command.kill()


def test_serve_and_worker_log_structured_lines_without_secrets(db_url, tmp_path, commands) -> None:
    fmt = "kv" if db_url.startswith("sqlite") else "json"
    config = write_config(tmp_path)
    port = free_port()
    env = {**os.environ, "FIREBREAK_DATABASE_URL": with_password(db_url), "FIREBREAK_CONFIG": str(config),
           "FIREBREAK_DATA_DIR": str(tmp_path / "data"), "FIREBREAK_SECRET_KEY": SECRET_KEY,
           "FIREBREAK_PORT": str(port), ENV_NAME: f"postgresql://ops:{ENV_PASSWORD}@db.internal/billing",
           "COLUMNS": "200"}
    for name in ("FIREBREAK_SERVER", "FIREBREAK_LOG_FORMAT", "FIREBREAK_LOG_LEVEL", "FIREBREAK_RUN_WORKER"):
        env.pop(name, None)
    base = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        try:
            return httpx.get(f"{base}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    serve = commands("serve", ["serve", "--log-format", fmt], env)
    serve.wait_for(healthy, "the server to answer")
    admin = re.search(r"admin token\s*:\s*(\S+)", serve.out)
    ingest = re.search(r"ingest key\s*:\s*(\S+)", serve.out)
    assert admin and ingest, serve.out
    as_admin = {"Authorization": f"Bearer {admin.group(1)}"}
    r = httpx.post(f"{base}/api/v1/alerts/alertmanager", json=alertmanager(planted_alert()),
                   headers={"Authorization": f"Bearer {ingest.group(1)}"}, timeout=30)
    assert r.status_code == 202, r.text
    assert httpx.get(f"{base}/api/v1/incidents?token={QUERY_SECRET}", headers=as_admin, timeout=30).status_code == 200
    assert httpx.get(f"{base}/api/v1/config/services", headers=as_admin, timeout=30).status_code == 200
    assert httpx.get(f"{base}/api/v1/incidents/987654", headers=as_admin, timeout=30).status_code == 404
    httpx.get(f"{base}/ack/{ACK_SECRET}", timeout=30)
    serve.wait_for(lambda: "delivery.failed" in serve.err, "the failed delivery to be logged")
    serve.proc.send_signal(signal.SIGHUP)
    serve.wait_for(lambda: "config.reloaded" in serve.err, "the reload to be logged")
    good = config.read_text()
    config.write_text(good + "\nteams: []\n")
    serve.proc.send_signal(signal.SIGHUP)
    serve.wait_for(lambda: "config.reload_failed" in serve.err, "the refused reload to be logged")
    config.write_text(good)
    assert serve.stop() == 0, serve.err

    worker = commands("worker", ["worker", "--log-format", fmt], env)
    worker.wait_for(lambda: "worker.started" in worker.err, "the worker to start")
    assert worker.stop() == 0, worker.err

    printed = {"serve stdout": serve.out, "serve log": serve.err, "worker stdout": worker.out,
               "worker log": worker.err}
    found = {where: leaks(text) + [ACK_SECRET] * (ACK_SECRET in text) for where, text in printed.items()}
    found = {where: secrets for where, secrets in found.items() if secrets}
    assert not found, f"secrets printed: {found}"

    log = events(serve.err, fmt)
    access = named(log, "http.request")
    incidents = [line for line in access if line["path"] == "/api/v1/incidents"]
    assert incidents and str(incidents[0]["status"]) == "200" and incidents[0]["method"] == "GET"
    assert float(incidents[0]["duration_ms"]) >= 0 and incidents[0]["client"] == "127.0.0.1"
    assert re.fullmatch(r"[0-9a-f]{32}", str(incidents[0]["request_id"]))
    assert any(str(line["status"]) == "404" for line in access)
    assert any(line["path"] == "/ack/[REDACTED]" for line in access)
    assert any(line["path"] == "/api/v1/alerts/alertmanager" and str(line["status"]) == "202" for line in access)
    failed = named(log, "delivery.failed")[0]
    assert failed["channel"] == "json" and str(failed["attempt"]) == "1" and failed["error"]
    assert failed["target"] == "json://127.0.0.1:9/[REDACTED]" and failed["level"] == "warning"
    assert named(log, "config.reloaded")[0]["generation"] in (2, "2")
    refused = named(log, "config.reload_failed")[0]
    assert "duplicate key 'teams'" in refused["reason"] and refused["level"] == "error"
    assert named(log, "worker.started") and named(log, "worker.stopped") and named(log, "server.stopped")
    worker_log = events(worker.err, fmt)
    assert named(worker_log, "worker.started") and named(worker_log, "worker.stopped")


def test_an_unknown_log_format_is_a_clear_error(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("FIREBREAK_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("FIREBREAK_LOG_FORMAT", raising=False)
    result = CliRunner().invoke(cli_app, ["serve", "--log-format", "xml"])
    assert result.exit_code == 1 and "--log-format: unknown log format 'xml'; use kv or json" in result.output
    monkeypatch.setenv("FIREBREAK_LOG_FORMAT", "yaml")
    result = CliRunner().invoke(cli_app, ["worker", "--once"])
    assert result.exit_code == 1 and "FIREBREAK_LOG_FORMAT: unknown log format 'yaml'" in result.output
    assert not (tmp_path / "firebreak.db").exists()  # refused before anything was opened
