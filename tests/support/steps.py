"""Fixtures for running runbook steps through the API: a runtime with a step configuration, its app, clients."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from firebreak.config.loader import parse_config
from firebreak.db.session import transaction
from firebreak.http.app import create_app
from firebreak.kernel.clock import FixedClock
from firebreak.kernel.settings import Settings
from firebreak.runbook.drills.catalog import examples_dir
from firebreak.runbook.intake.importer import import_paths
from firebreak.runbook.library import store
from firebreak.runtime import Runtime
from firebreak.security.bootstrap import bootstrap
from firebreak.security.tokens import create_token
from tests.conftest import auth

SECRET_PASSWORD = "s3cr3t-step-pw-91"
BEARER = "secret-token-value-1234567890"
BEARER_B64 = base64.b64encode(BEARER.encode()).decode()
STEP_CONFIG = """
severity_scale: sev1-sev4
teams:
  - name: platform
services:
  - name: pg
    team: platform
    runbook_vars: {pg_dsn: "env:FIREBREAK_TEST_STEP_DSN"}
    targets:
      - {name: db, kind: postgres, dsn: "env:FIREBREAK_TEST_STEP_DSN"}
      - {name: here, kind: local, env: {KUBECONFIG: "env:FIREBREAK_TEST_KUBECONFIG"}}
    label_placeholders: [role]
  - name: quiet
    team: platform
default_route:
  team: platform
"""
TEST_RUNBOOK = f"""# Secret echo

## Detection

**Alerts:** `SecretEchoAlert`

## Diagnosis

```bash
printf 'dsn=%s\\n' "$PG_DSN"
```

```bash
echo "Authorization: Bearer $(echo {BEARER_B64} | base64 -d)"
```

```bash
printf 'pod=%s\\n' <POD_NAME>
```

## Mitigation

```bash
kubectl rollout restart deployment <deployment> -n <namespace>
```
"""


@pytest.fixture
def step_runtime(settings: Settings, clock: FixedClock, tmp_path: Path,
                 monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    monkeypatch.setenv("FIREBREAK_TEST_STEP_DSN", f"postgresql://postgres:{SECRET_PASSWORD}@127.0.0.1:5432/test")
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text("apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n")
    monkeypatch.setenv("FIREBREAK_TEST_KUBECONFIG", str(kubeconfig))
    rt = Runtime(settings, clock=clock, initial_config=parse_config(STEP_CONFIG))
    extra = tmp_path / "runbooks"
    extra.mkdir()
    (extra / "secret-echo.md").write_text(TEST_RUNBOOK)
    with transaction(rt.session_factory) as session:
        store.save_runbooks(session, runbooks=import_paths([examples_dir(), extra]), now=clock.now())
    yield rt
    rt.close()


@pytest.fixture
def step_app(step_runtime: Runtime):  # type: ignore[no-untyped-def]
    return create_app(step_runtime, background=False)


@pytest.fixture
def step_credentials(step_runtime: Runtime) -> dict[str, str]:
    now = step_runtime.clock.now()
    with transaction(step_runtime.session_factory) as s:
        first = bootstrap(s, now=now)
        assert first is not None
        out = {"admin": first.admin_token, "ingest": first.ingest_key}
        for name, role in (("responder", "responder"), ("responder2", "responder"), ("viewer", "viewer")):
            out[name] = create_token(s, name=f"test-{name}", role=role, now=now).secret
    return out


@pytest.fixture
def clients(step_app,  # type: ignore[no-untyped-def]
            step_credentials: dict[str, str]) -> Iterator[dict[str, TestClient]]:
    """One client per role: ingest, responder, responder2, viewer, admin."""
    with TestClient(step_app, raise_server_exceptions=False) as base:
        yield {name: _Bound(base, secret) for name, secret in step_credentials.items()}  # type: ignore[misc]


class _Bound:
    """A test client that sends one token with every request."""

    def __init__(self, client: TestClient, secret: str) -> None:
        self.client = client
        self.headers = auth(secret)

    def get(self, url: str, **kw):  # type: ignore[no-untyped-def]
        return self.client.get(url, headers=self.headers, **kw)

    def post(self, url: str, **kw):  # type: ignore[no-untyped-def]
        return self.client.post(url, headers=self.headers, **kw)
