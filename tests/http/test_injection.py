"""Hostile input through the public API: shell, SQL, template, header/CRLF and path traversal.

Every payload arrives the way an attacker could send it — alert labels, query strings, bodies,
paths, headers — and must be stored and shown literally, execute nothing, and leave every
table intact.
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from firebreak.db.models.core import IncidentRecord
from firebreak.db.models.security import ApiTokenRecord, UserRecord
from firebreak.escalate.escalator import signing_secret
from firebreak.notify import ack_link
from firebreak.notify.render import TemplateSet
from tests.conftest import auth
from tests.payloads import alertmanager, am_alert

PROBE_RUNBOOK = """# Injection probe

## Detection

**Alerts:** `InjectionProbe`

## Diagnosis

```bash
printf 'pod=%s\\n' <pod>
```
"""


def shell_payloads(canary: Path) -> list[str]:
    return [f"x; touch {canary}", f"$(touch {canary})", f"`touch {canary}`", f"x | touch {canary}",
            f"x && touch {canary}", f"x\ntouch {canary}", f"'; touch {canary}; '", f'"; touch {canary}; "',
            f"${{IFS}}touch${{IFS}}{canary}", f"x > {canary}"]


SQL_PAYLOADS = ["' OR '1'='1", "x'; DROP TABLE incidents; --", '" OR ""="', "1; DELETE FROM api_tokens",
                "x' UNION SELECT token_hash FROM api_tokens --", "%' OR 1=1 --", "\\'; SELECT pg_sleep(5); --"]
TEMPLATE_PAYLOADS = ["{{ 7*7 }}", "{% for x in range(3) %}loop{% endfor %}", "{{ ''.__class__.__mro__ }}",
                     "${7*7}", "#{7*7}", "<%= 7*7 %>", "{{ config }}"]


def fire(ingest_client: Any, **labels: str) -> int:
    r = ingest_client.post("/api/v1/alerts/alertmanager", json=alertmanager(am_alert(**labels)))
    assert r.status_code == 202, r.text
    incident_id = r.json()["results"][0]["incident_id"]
    assert incident_id is not None
    return int(incident_id)


def counts(runtime: Any) -> tuple[int, int, int]:
    with runtime.session_factory() as s:
        return (s.scalar(select(func.count()).select_from(IncidentRecord)) or 0,
                s.scalar(select(func.count()).select_from(ApiTokenRecord)) or 0,
                s.scalar(select(func.count()).select_from(UserRecord)) or 0)


# --- shell ---------------------------------------------------------------------------------------

def test_shell_metacharacters_in_labels_execute_nothing(client, ingest_client, credentials, tmp_path,
                                                        monkeypatch) -> None:
    (tmp_path / "kubeconfig").write_text("apiVersion: v1\n")  # api-gateway's declared target needs it
    monkeypatch.setenv("FIREBREAK_KUBECONFIG", str(tmp_path / "kubeconfig"))
    responder = {"Authorization": f"Bearer {credentials['responder']}"}
    imported = client.post("/api/v1/runbooks/import", headers=responder,
                           json={"documents": [{"path": "probe.md", "content": PROBE_RUNBOOK}]})
    assert imported.status_code == 200, imported.text
    slug = imported.json()["runbooks"][0]["slug"]
    canary = tmp_path / "canary"
    for payload in shell_payloads(canary):
        incident = fire(ingest_client, name="InjectionProbe", service="api-gateway", pod=payload)
        step = client.post(f"/api/v1/incidents/{incident}/steps", headers=responder,
                           json={"command": 0, "runbook": slug})
        assert step.status_code == 201, step.text
        assert step.json()["status"] == "succeeded", step.json()
        assert step.json()["stdout"] == f"pod={payload}\n"
        assert not canary.exists(), payload
        done = client.post(f"/api/v1/incidents/{incident}/transition", headers=responder, json={"status": "resolved"})
        assert done.status_code == 200, done.text


PROGRAM_RUNBOOK = """# Program probe

## Detection

**Alerts:** `ProgramProbe`

## Diagnosis

```bash
printf 'alpha\\nbeta\\n' | awk '/<pattern>/ {print}'
```

```bash
printf 'alpha\\nbeta\\n' | sed -n '/<pattern>/p'
```

```bash
perl -ne 'print if /<pattern>/' /etc/hostname
```
"""


PROBE_CONFIG = """severity_scale: sev1-sev4
teams: [{name: probe}]
services:
  - {name: probe, team: probe, targets: [{name: here, kind: local}], label_placeholders: [pattern]}
default_route: {team: probe}
"""


def test_labels_never_become_awk_sed_or_perl_program_text(client, ingest_client, credentials, runtime,
                                                          tmp_path) -> None:
    (tmp_path / "probe.yaml").write_text(PROBE_CONFIG)  # a service with a local target that lets labels fill <pattern>
    runtime.config_holder.path = tmp_path / "probe.yaml"
    runtime.config_holder.reload()
    responder = {"Authorization": f"Bearer {credentials['responder']}"}
    imported = client.post("/api/v1/runbooks/import", headers=responder,
                           json={"documents": [{"path": "programs.md", "content": PROGRAM_RUNBOOK}]})
    assert imported.status_code == 200, imported.text
    slug = imported.json()["runbooks"][0]["slug"]
    canary = tmp_path / "pwned"
    pattern = f'x/ {{print}} BEGIN {{system("touch {canary}")}} /x'
    incident = fire(ingest_client, name="ProgramProbe", service="probe", pattern=pattern)
    for command in (0, 1):
        step = client.post(f"/api/v1/incidents/{incident}/steps", headers=responder,
                           json={"command": command, "runbook": slug})
        assert step.status_code == 201, step.text
        assert step.json()["status"] == "succeeded" and step.json()["stdout"] == "", step.json()
        assert not canary.exists(), command
    blocked = client.post(f"/api/v1/incidents/{incident}/steps", headers=responder,
                          json={"command": 2, "runbook": slug})
    assert blocked.status_code == 422, blocked.text
    reason = blocked.json()["detail"]
    assert "<pattern>" in reason and "perl program" in reason
    stored = client.get(f"/api/v1/steps/{blocked.json()['step_id']}", headers=responder).json()
    assert stored["status"] == "blocked" and stored["started_at"] is None and "perl program" in stored["reason"]
    log = client.get(f"/api/v1/incidents/{incident}/timeline", headers=responder)
    assert log.status_code == 200
    assert any(e["kind"] == "step.blocked" and "perl program" in json.dumps(e) for e in log.json()), log.json()
    assert not canary.exists()


# --- SQL -----------------------------------------------------------------------------------------

def test_sql_in_query_strings_is_data(client, ingest_client, runtime) -> None:
    fire(ingest_client)
    before = counts(runtime)
    for payload in SQL_PAYLOADS:
        for params in ({"service": payload}, {"severity": payload}, {"status": payload}):
            r = client.get("/api/v1/incidents", params=params)
            assert r.status_code in (200, 422), r.text
            if r.status_code == 200:
                assert r.json()["total"] == 0, payload
        assert client.get("/api/v1/runbooks", params={"q": payload}).status_code == 200
        assert client.get("/api/v1/audit", params={"actor": payload}).json() == []
    assert counts(runtime) == before
    assert client.get("/api/v1/incidents", params={"service": "checkout"}).json()["total"] == 1


def test_sql_in_labels_bodies_and_names_is_stored_literally(fast_app, client, anon_client, ingest_client,
                                                             runtime) -> None:
    for payload in SQL_PAYLOADS:
        incident = fire(ingest_client, name=payload, service=payload)
        shown = client.get(f"/api/v1/incidents/{incident}").json()
        assert shown["service"] == payload and shown["alerts"][0]["labels"]["alertname"] == payload
        note = client.post(f"/api/v1/incidents/{incident}/notes", json={"text": payload})
        assert note.status_code == 201
        assert anon_client.post("/api/v1/auth/login", json={"username": payload, "password": payload}
                                ).status_code in (401, 429)
    created = client.post("/api/v1/tokens", json={"name": SQL_PAYLOADS[1], "role": "viewer"})
    assert created.status_code == 201 and created.json()["name"] == SQL_PAYLOADS[1]
    assert counts(runtime)[0] == len(SQL_PAYLOADS)


# --- templates and markup ------------------------------------------------------------------------

def test_template_syntax_in_alerts_is_never_evaluated(client, ingest_client) -> None:
    templates = TemplateSet()
    for payload in TEMPLATE_PAYLOADS:
        incident = fire(ingest_client, name=payload)
        shown = client.get(f"/api/v1/incidents/{incident}").json()
        assert payload in shown["title"]
        opened = client.get(f"/api/v1/incidents/{incident}/timeline").json()[0]
        assert payload in str(opened["data"])
        rendered = templates.render("default", {
            "incident": {"id": incident, "title": shown["title"], "severity": None, "service": payload,
                         "status": "triggered", "url": "https://fb.example/i/1"},
            "page": {"kind": "page", "level": 1, "round": 0, "policy": payload}, "ack_url": "https://fb.example/a"})
        assert payload in rendered.title and payload in rendered.body
        assert "loop" * 3 not in rendered.body and "<class" not in rendered.body


def test_markup_in_alerts_is_escaped_on_pages(anon_client, ingest_client, runtime) -> None:
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    incident = fire(ingest_client, name=payload)
    token = ack_link.sign(signing_secret(runtime.settings), incident_id=incident, user="responder1",
                          now=runtime.clock.now(), ttl=timedelta(hours=1))
    page = anon_client.get(f"/ack/{token}")
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "&lt;script&gt;" in page.text
    assert "onerror=alert(1)>" not in page.text


# --- headers and CRLF ----------------------------------------------------------------------------

def call_raw(app: Any, method: str, path: bytes, headers: list[tuple[bytes, bytes]],
             body: bytes = b"") -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """Call the app at the ASGI level, where header values are raw bytes no client library cleans."""
    sent: list[dict[str, Any]] = []

    async def run() -> None:
        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
                 "scheme": "http", "path": path.decode("latin-1"), "raw_path": path, "query_string": b"",
                 "root_path": "", "headers": headers, "client": ("203.0.113.9", 4711),
                 "server": ("testserver", 80), "state": {}}
        await app(scope, receive, send)

    asyncio.run(run())
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], start["headers"], b"".join(m.get("body", b"") for m in sent[1:])


def assert_no_injected_header(headers: list[tuple[bytes, bytes]]) -> None:
    for name, value in headers:
        assert b"\r" not in value and b"\n" not in value, (name, value)
        assert name.lower() != b"set-cookie" or not value.startswith(b"injected"), (name, value)


def test_crlf_in_request_headers_is_not_reflected(app, credentials) -> None:
    evil = b"abc\r\nSet-Cookie: injected=1"
    status, headers, _ = call_raw(app, "GET", b"/healthz", [(b"x-request-id", evil)])
    assert status == 200
    assert_no_injected_header(headers)
    assert dict(headers)[b"x-request-id"] != evil
    status, headers, _ = call_raw(app, "GET", b"/api/v1/incidents",
                                  [(b"authorization", b"Bearer " + credentials["viewer"].encode() + b"\r\nX-Evil: 1")])
    assert status == 401
    assert_no_injected_header(headers)


def test_crlf_in_bodies_and_paths_is_not_reflected(app, credentials) -> None:
    admin = [(b"authorization", f"Bearer {credentials['admin']}".encode()), (b"content-type", b"application/json")]
    status, headers, body = call_raw(app, "POST", b"/api/v1/tokens", admin,
                                     b'{"name": "a\\r\\nSet-Cookie: injected=1", "role": "viewer"}')
    assert status == 422 and b"printable" in body
    assert_no_injected_header(headers)
    status, headers, _ = call_raw(app, "GET", b"/ack/x%0d%0aSet-Cookie:%20injected=1", [])
    assert status in (200, 400, 401, 404, 422)
    assert_no_injected_header(headers)
    status, headers, _ = call_raw(app, "POST", b"/api/v1/auth/login", [(b"content-type", b"application/json")],
                                  b'{"username": "x\\r\\nSet-Cookie: injected=1", "password": "y"}')
    assert status == 401
    assert_no_injected_header(headers)


# --- path traversal ------------------------------------------------------------------------------

TRAVERSALS = ["../../etc/passwd", "/etc/passwd", "a/../../../etc/passwd", "..\\..\\windows\\win.ini",
              "runbooks/../../secret.md", "\\\\server\\share\\x.md"]


def test_runbook_import_refuses_paths_that_leave_the_collection(client, credentials) -> None:
    for path in TRAVERSALS:
        r = client.post("/api/v1/runbooks/import", json={"documents": [{"path": path, "content": PROBE_RUNBOOK}]},
                        headers=auth(credentials["responder"]))
        assert r.status_code == 422, (path, r.text)
        assert r.headers["content-type"] == "application/problem+json" and "documents" in r.json()["field"]
    assert client.get("/api/v1/runbooks").json()["total"] == 0


def test_runbook_import_slugs_stay_plain(client, credentials) -> None:
    names = ["ok/..hidden.md", "we ird/na;me$(id).md", "x%2e%2e/y.md"]
    r = client.post("/api/v1/runbooks/import", headers=auth(credentials["responder"]),
                    json={"documents": [{"path": n, "content": PROBE_RUNBOOK.replace("Injection probe", n)}
                                        for n in names]})
    assert r.status_code == 200, r.text
    for runbook in r.json()["runbooks"]:
        assert all(ch.isalnum() or ch in "-/_" for ch in runbook["slug"]), runbook["slug"]
        assert ".." not in runbook["slug"].split("/")


LOOKUPS = ["%2e%2e/%2e%2e/etc/passwd", "..%2f..%2fetc%2fpasswd", "%2fetc%2fpasswd", "....//....//etc/passwd",
           "../../../../../../etc/passwd"]


def test_runbook_lookup_never_reads_files(app, credentials) -> None:
    viewer = [(b"authorization", f"Bearer {credentials['viewer']}".encode())]
    for path in LOOKUPS:
        status, _, body = call_raw(app, "GET", f"/api/v1/runbooks/{path}".encode(), viewer)
        assert status in (404, 422), path
        assert b"root:" not in body
