"""No secret is ever printed: secrets planted in the settings, the configuration and alert labels
never appear in any GET endpoint's answer (viewer and admin), in the output of the CLI commands
that print banners or configuration, or in the log.

The endpoints are read from the app's routes when the test runs, so routes added later are
covered without touching this file.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from firebreak.cli.main import app as cli_app
from firebreak.config.loader import load_config
from firebreak.config.models import Config
from firebreak.escalate.worker import WorkerOptions
from firebreak.http.deps import endpoints
from firebreak.http.routes.route import SECTIONS
from firebreak.kernel.settings import Settings
from firebreak.notify import ack_link
from tests.conftest import auth
from tests.payloads import alertmanager
from tests.support.planted import (
    ANNOTATION_SECRET,
    ENV_NAME,
    ENV_PASSWORD,
    LABEL_SECRET,
    QUERY_SECRET,
    SECRET_KEY,
    leaks,
    planted_alert,
    with_password,
    write_config,
)


@pytest.fixture
def planted_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_NAME, f"postgresql://ops:{ENV_PASSWORD}@db.internal/billing")
    monkeypatch.setenv("FIREBREAK_SECRET_KEY", SECRET_KEY)


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    return write_config(tmp_path)


@pytest.fixture
def example_config(config_path: Path, planted_env: None) -> Config:
    """The planted configuration instead of the bundled example (the shared fixtures use it)."""
    return load_config(config_path)


@pytest.fixture
def settings(db_url: str, tmp_path: Path, config_path: Path) -> Settings:
    return Settings(database_url=with_password(db_url), data_dir=tmp_path, run_worker=False,
                    secret_key=SECRET_KEY, config=config_path)


def fire_planted_alert(ingest_client: TestClient) -> int:
    r = ingest_client.post("/api/v1/alerts/alertmanager", json=alertmanager(planted_alert()))
    assert r.status_code == 202, r.text
    return int(r.json()["results"][0]["incident_id"])


def sample_urls(app, client: TestClient, incident_id: int) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Every GET route with its path filled from things that exist (or a well-formed unknown)."""
    silence = client.post("/api/v1/silences", json={"matchers": ['service="nothing"'], "duration": "1h",
                                                    "comment": "planted-secrets probe"}).json()
    steps = client.get(f"/api/v1/incidents/{incident_id}/steps").json()
    ack = ack_link.sign(app.state.runtime.escalator.secret, incident_id=incident_id, user="ana",
                        now=app.state.runtime.clock.now(), ttl=timedelta(hours=1))
    values = {"incident_id": str(incident_id), "silence_id": silence["id"],
              "step_id": str(steps[0]["id"]) if steps else "987654", "token": ack, "slugpath": "no-such-runbook"}
    for endpoint in endpoints(app.routes):
        if endpoint.method != "GET" or endpoint.dependant is None:
            continue
        if "{section}" in endpoint.path:
            yield from (endpoint.path.replace("{section}", name) for name in sorted(SECTIONS))
            continue
        path = endpoint.path
        for param in endpoint.dependant.path_params:
            value = values.get(param.name, "ops-primary" if "schedules" in path else "no-such-thing")
            path = re.sub(r"\{" + param.name + r"(:[^}]+)?\}", value, path)
        yield path
    yield f"/api/v1/incidents?token={QUERY_SECRET}"


def test_no_endpoint_answers_with_a_planted_secret(app, client, ingest_client, credentials, runtime,
                                                   caplog) -> None:
    caplog.set_level(logging.DEBUG)
    incident_id = fire_planted_alert(ingest_client)
    worker = runtime.escalator.worker(WorkerOptions(send_threads=1))
    worker.run_turns()
    sent = worker.deliver()
    assert sent, "the planted incident paged nobody"
    answers: dict[str, str] = {}
    for url in sample_urls(app, client, incident_id):
        for role in ("viewer", "admin"):
            r = client.get(url, headers=auth(credentials[role]))
            assert r.status_code < 500, f"{url}: {r.status_code} {r.text}"
            answers[f"{role} GET {url} -> {r.status_code}"] = r.text
    r = client.post("/api/v1/route/test", headers=auth(credentials["viewer"]),
                    json={"labels": {"service": "billing", "db_password": LABEL_SECRET},
                          "annotations": {"summary": f"password={ANNOTATION_SECRET}"}})
    answers["viewer POST /api/v1/route/test"] = r.text
    assert len(answers) >= 60
    found = {where: leaks(text) for where, text in answers.items() if leaks(text)}
    assert not found, f"secrets in answers: {found}"
    # The configuration views still say what is configured, without the credentials.
    services = client.get("/api/v1/config/services", headers=auth(credentials["viewer"])).json()["items"]
    assert services[0]["runbook_vars"]["pg_dsn"] == f"env:{ENV_NAME}"
    assert "db.internal" in services[0]["runbook_vars"]["database_url"]
    logged = "\n".join(f"{record.getMessage()} {record.__dict__}" for record in caplog.records)
    assert not leaks(logged), f"secrets in the log: {leaks(logged)}"


@pytest.fixture
def cli(settings: Settings, config_path: Path, planted_env: None,
        monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("FIREBREAK_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("FIREBREAK_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("FIREBREAK_CONFIG", str(config_path))
    monkeypatch.delenv("FIREBREAK_SERVER", raising=False)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield CliRunner()
    root.handlers[:], root.level = handlers, level  # `worker` set up the process's log


def test_cli_output_carries_no_planted_secret(cli, config_path, runtime) -> None:
    commands = [
        ["config", "check", str(config_path)],
        ["route", "test", "--label", "service=billing", "--label", f"db_password={LABEL_SECRET}",
         "--annotation", f"summary=password={ANNOTATION_SECRET}"],
        ["route", "test", "--label", "service=billing", "--config", str(config_path)],
        ["alert", "fire", "--summary", f"login failed for password={ANNOTATION_SECRET}", "--label",
         "service=billing", "--label", f"db_password={LABEL_SECRET}", "--severity", "critical"],
        ["worker", "--once"],
        ["incident", "list"],
        ["incident", "show", "1"],
        ["oncall"],
        ["db", "current"],
    ]
    outputs = {}
    for command in commands:
        result = cli.invoke(cli_app, command)
        assert result.exit_code == 0, f"{command}: {result.output}"
        outputs[" ".join(command)] = result.output
    found = {command: leaks(text) for command, text in outputs.items() if leaks(text)}
    assert not found, f"secrets in command output: {found}"
