"""Steps on declared targets, end to end on SQLite and PostgreSQL: real `redis-cli` and `psql` against the
local Redis and PostgreSQL, a clean child environment whatever Firebreak's own holds, the target on the
step before it runs and in its timeline and audit, and labels that never choose where a command connects."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from firebreak.config.loader import parse_config
from firebreak.config.models import Config
from firebreak.db.session import transaction
from firebreak.http.app import create_app
from firebreak.incident import timeline
from firebreak.kernel.clock import FixedClock
from firebreak.kernel.settings import Settings
from firebreak.runbook.drills.catalog import examples_dir
from firebreak.runbook.intake.importer import import_paths
from firebreak.runbook.library import store
from firebreak.runtime import Runtime
from firebreak.security import audit
from firebreak.security.bootstrap import bootstrap
from firebreak.security.tokens import create_token
from tests.conftest import auth
from tests.payloads import alertmanager, am_alert

AMBIENT = {"PGHOST": "ambient-pg.invalid", "PGPASSWORD": "ambient-pg-pw-5521", "PGUSER": "ambient_user",
           "KUBECONFIG": "/ambient/kubeconfig", "AWS_PROFILE": "ambient-profile",
           "AWS_ACCESS_KEY_ID": "AKIAAMBIENT0000", "REDIS_URL": "redis://ambient.invalid:1",
           "REDISCLI_AUTH": "ambient-redis-pw", "FIREBREAK_AMBIENT_SECRET": "ambient-secret-77"}
ENV_RUNBOOK = """# Environment check

## Detection

**Alerts:** `EnvCheck`

## Diagnosis

```bash
env | sort
```

```bash
kubectl get pods -n prod
```
"""
CONFIG = """
severity_scale: sev1-sev4
teams: [{name: ops}]
services:
  - name: cache
    team: ops
    targets: [{name: shared-redis, kind: redis, url: "env:FIREBREAK_TEST_REDIS_URL"}]
  - name: db
    team: ops
    targets: [{name: shared-pg, kind: postgres, dsn: "postgresql://postgres@127.0.0.1:5432/test"}]
    label_placeholders: [role]
  - name: box
    team: ops
    targets:
      - name: tools
        kind: local
        env: {PATH: "@BIN@:/usr/local/bin:/usr/bin:/bin", KUBECONFIG: "@KUBE@",
              DECLARED_NOTE: "declared-by-target"}
  - name: nokube
    team: ops
    targets: [{name: plain, kind: local, env: {PATH: "@BIN@:/usr/local/bin:/usr/bin:/bin"}}]
default_route: {team: ops}
"""


@pytest.fixture
def fake_kubectl(tmp_path: Path) -> Path:
    """kubectl cannot run here: a small stand-in that reports what it was given and leaves a mark."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "kubectl"
    script.write_text(f'#!/bin/sh\necho "kubeconfig=$KUBECONFIG home=$HOME"\necho ran >> {tmp_path}/kubectl-ran\n')
    script.chmod(0o755)
    return bin_dir


@pytest.fixture
def target_runtime(settings: Settings, clock: FixedClock, tmp_path: Path, fake_kubectl: Path,
                   monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    for key, value in AMBIENT.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("FIREBREAK_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")
    (tmp_path / "kubeconfig").write_text("apiVersion: v1\nkind: Config\n")
    config = parse_config(CONFIG.replace("@BIN@", str(fake_kubectl)).replace("@KUBE@", str(tmp_path / "kubeconfig")))
    yield from started(settings, clock, config, tmp_path, ENV_RUNBOOK)


def started(settings: Settings, clock: FixedClock, config: Config, tmp_path: Path,
            extra: str | None = None) -> Iterator[Runtime]:
    rt = Runtime(settings, clock=clock, initial_config=config)
    folders = [examples_dir()]
    if extra:
        (tmp_path / "runbooks").mkdir()
        (tmp_path / "runbooks" / "env-check.md").write_text(extra)
        folders.append(tmp_path / "runbooks")
    with transaction(rt.session_factory) as session:
        store.save_runbooks(session, runbooks=import_paths(folders), now=clock.now())
    yield rt
    rt.close()


def tokens(rt: Runtime) -> dict[str, str]:
    with transaction(rt.session_factory) as s:
        first = bootstrap(s, now=rt.clock.now())
        assert first is not None
        return {"ingest": first.ingest_key, "responder": create_token(s, name="r1", role="responder",
                                                                       now=rt.clock.now()).secret}


def fire(client: TestClient, rt: Runtime, keys: dict[str, str], name: str, service: str, **labels: str) -> int:
    sent = client.post("/api/v1/alerts/alertmanager", headers=auth(keys["ingest"]),
                       json=alertmanager(am_alert(name, service=service, **labels)))
    assert sent.status_code == 202, sent.text
    rt.execution.runner.wait_idle()
    return int(sent.json()["results"][0]["incident_id"])


def steps_of(client: TestClient, keys: dict[str, str], incident: int) -> list[dict[str, Any]]:
    return client.get(f"/api/v1/incidents/{incident}/steps", headers=auth(keys["responder"])).json()  # type: ignore[no-any-return]


def entries(rt: Runtime, incident: int) -> list[tuple[str, dict[str, Any]]]:
    with transaction(rt.session_factory) as session:
        return [(e.kind, e.data) for e in timeline.entries(session, incident_id=incident)]


def test_redis_cli_and_psql_run_against_their_declared_targets(target_runtime: Runtime) -> None:
    keys = tokens(target_runtime)
    with TestClient(create_app(target_runtime, background=False), raise_server_exceptions=False) as client:
        cache = fire(client, target_runtime, keys, "RedisMemoryPressure", "cache", key_pattern="nothing:*")
        ran = steps_of(client, keys, cache)
        assert [s["status"] for s in ran] == ["succeeded"] * 3, ran
        assert "used_memory:" in ran[0]["stdout"] and "# Keyspace" in ran[1]["stdout"]
        assert ran[0]["display"] == "redis-cli -u redis://127.0.0.1:6379/9 INFO memory"
        shown = {"name": "shared-redis", "kind": "redis", "address": "redis://127.0.0.1:6379/9"}
        assert all(s["target"] == shown for s in ran)
        log = entries(target_runtime, cache)
        assert [d["target"] for k, d in log if k == "step.run"] == [shown] * 3

        pending = client.post(f"/api/v1/incidents/{cache}/steps", headers=auth(keys["responder"]),
                              json={"command": 3, "input": {"key_pattern": "nothing:*"}}).json()
        assert pending["status"] == "awaiting_approval" and pending["target"] == shown  # visible before approval
        listed = client.get(f"/api/v1/steps/{pending['id']}", headers=auth(keys["responder"])).json()
        assert listed["target"] == shown and "-u redis://127.0.0.1:6379/9 --scan" in listed["display"]

        db = fire(client, target_runtime, keys, "PostgresConnectionsExhausted", "db", role="postgres")
        pg = steps_of(client, keys, db)
        assert [s["status"] for s in pg] == ["succeeded"] * 3, pg
        assert "connections" in pg[0]["stdout"] and "postgres" in pg[1]["stdout"]
        assert pg[0]["target"]["address"] == "postgresql://postgres@127.0.0.1:5432/test"
    with transaction(target_runtime.session_factory) as session:
        runs = [e for e in audit.entries(session, limit=1000) if e.action == "step.run"]
    assert len(runs) == 6 and all("on target shared-" in e.detail for e in runs)
    assert {e.target["target"] for e in runs} == {"shared-redis", "shared-pg"}


def test_steps_never_inherit_firebreaks_own_environment(target_runtime: Runtime, tmp_path: Path) -> None:
    keys = tokens(target_runtime)
    with TestClient(create_app(target_runtime, background=False), raise_server_exceptions=False) as client:
        box = fire(client, target_runtime, keys, "EnvCheck", "box")
        env_step, kube_step = steps_of(client, keys, box)
        assert env_step["status"] == "succeeded" and kube_step["status"] == "succeeded", (env_step, kube_step)
        child = dict(line.split("=", 1) for line in env_step["stdout"].splitlines() if "=" in line)
        assert child["DECLARED_NOTE"] == "declared-by-target"
        assert child["KUBECONFIG"] == str(tmp_path / "kubeconfig")
        assert child["HOME"] != os.environ["HOME"] and child["HOME"].startswith("/tmp")
        for key, value in AMBIENT.items():
            assert child.get(key) != value, key
            assert value not in env_step["stdout"], key
        assert not {"PGHOST", "PGPASSWORD", "PGUSER", "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "REDIS_URL",
                    "REDISCLI_AUTH"} & set(child)
        assert kube_step["stdout"].startswith(f"kubeconfig={tmp_path / 'kubeconfig'} home=/tmp")

        (tmp_path / "kubectl-ran").unlink()
        nokube = fire(client, target_runtime, keys, "EnvCheck", "nokube")
        plain_env, plain_kube = steps_of(client, keys, nokube)
        assert plain_env["status"] == "succeeded" and "KUBECONFIG" not in plain_env["stdout"]
        assert plain_kube["status"] == "proposed" and "KUBECONFIG" in plain_kube["reason"]
        assert plain_kube["started_at"] is None and not (tmp_path / "kubectl-ran").exists()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_redis_url_label_never_chooses_where_diagnostics_connect(settings: Settings, clock: FixedClock,
                                                                    example_config: Config, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FIREBREAK_DRILL_REDIS_URL", raising=False)
    with socket.socket() as trap:
        trap.bind(("127.0.0.1", 0))
        trap.listen(8)
        trap.setblocking(False)
        port = trap.getsockname()[1]
        for rt in started(settings, clock, example_config, tmp_path):
            keys = tokens(rt)
            with TestClient(create_app(rt, background=False), raise_server_exceptions=False) as client:
                incident = fire(client, rt, keys, "RedisMemoryPressure", "redis",
                                redis_url=f"redis://127.0.0.1:{port}", key_pattern="cache:*")
                assert [s for s in steps_of(client, keys, incident) if s["status"] != "blocked"] == []
                started_note = next(d for k, d in entries(rt, incident) if k == "diagnostics.started")
                assert started_note["steps"] == [] and len(started_note["skipped"]) == 3
                assert all("FIREBREAK_DRILL_REDIS_URL" in s["reason"] for s in started_note["skipped"])
                asked = client.post(f"/api/v1/incidents/{incident}/steps", headers=auth(keys["responder"]),
                                    json={"command": 0})
                assert asked.status_code == 422
                assert "target 'cache'" in asked.json()["detail"]
                assert "FIREBREAK_DRILL_REDIS_URL" in asked.json()["detail"]
                assert str(port) not in json.dumps(steps_of(client, keys, incident))
        with pytest.raises(BlockingIOError):
            trap.accept()  # nothing ever connected to the host the label named
