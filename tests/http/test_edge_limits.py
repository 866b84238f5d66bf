"""Limits at the HTTP edge: body size caps, request timeouts, per-integration ingest rate limits."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import Depends
from fastapi.testclient import TestClient
from sqlalchemy import select

from firebreak.db.models.security import ApiTokenRecord
from firebreak.http.app import create_app
from firebreak.http.deps import DB, require_responder
from firebreak.kernel.settings import Settings
from firebreak.security import tokens
from firebreak.security.guards import Guards
from firebreak.security.ratelimit import RateLimiter
from tests.conftest import auth
from tests.payloads import alertmanager, am_alert, pagerduty


class SlowHandler:
    """What the slow test route does: write, then wait until the test lets it finish."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        self.finished = threading.Event()


@pytest.fixture
def slow() -> Iterator[SlowHandler]:
    handler = SlowHandler()
    yield handler
    handler.release.set()


@pytest.fixture
def request_timeout() -> float:
    """Generous, so that a loaded machine never times out a request by accident; one test sets 1 s."""
    return 60.0


@pytest.fixture
def small_app(runtime, slow, request_timeout):  # type: ignore[no-untyped-def]
    runtime.settings.max_body_bytes = 2000
    runtime.settings.request_timeout_seconds = request_timeout
    app = create_app(runtime, background=False)

    @app.post("/api/v1/test-slow-write", dependencies=[Depends(require_responder)])
    def slow_write(db: DB, name: str = "slow", hold: bool = True) -> dict[str, str]:
        slow.started.set()
        tokens.create_token(db, name=name, role="viewer", now=runtime.clock.now())
        if hold:
            slow.release.wait(180)
        slow.finished.set()
        return {"done": name}

    return app


@pytest.fixture
def small(small_app, credentials) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(small_app, raise_server_exceptions=False, headers=auth(credentials["admin"])) as c:
        yield c


def test_declared_oversized_body_is_413_before_parsing(small) -> None:
    r = small.post("/api/v1/tokens", content=b'{"name": "' + b"x" * 3000 + b'", "role": "viewer"}',
                   headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["field"] == "body" and "2000-byte limit" in r.json()["detail"]
    assert small.get("/api/v1/audit").json()[0]["status"] == 413


def test_chunked_body_is_capped_too(small) -> None:
    def chunks(total: int) -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(total // 100):
            yield b"y" * 100
        yield b'", "role": "viewer"}'

    assert small.post("/api/v1/tokens", content=chunks(5000), headers={"content-type": "application/json"}
                      ).status_code == 413
    ok = small.post("/api/v1/tokens", content=chunks(100), headers={"content-type": "application/json"})
    assert ok.status_code == 201, ok.text


def test_alert_batches_over_the_cap_are_refused_and_nothing_is_stored(small, credentials, runtime) -> None:
    body = alertmanager(*[am_alert(instance=f"10.0.0.{i}:80") for i in range(20)])
    r = small.post("/api/v1/alerts/alertmanager", json=body, headers=auth(credentials["ingest"]))
    assert r.status_code == 413
    assert small.get("/api/v1/incidents").json()["total"] == 0


def test_bad_content_length_is_400(small_app) -> None:
    async def call() -> list[dict]:
        sent: list[dict] = []

        async def receive() -> dict:
            return {"type": "http.request", "body": b"{}", "more_body": False}

        async def send(message: dict) -> None:
            sent.append(message)

        scope = {"type": "http", "method": "POST", "path": "/api/v1/tokens", "raw_path": b"/api/v1/tokens",
                 "query_string": b"", "headers": [(b"content-length", b"12abc")], "client": ("1.2.3.4", 1),
                 "server": ("testserver", 80), "scheme": "http", "http_version": "1.1", "root_path": ""}
        await small_app(scope, receive, send)
        return sent

    import asyncio
    sent = asyncio.run(call())
    assert sent[0]["status"] == 400


@pytest.mark.parametrize("request_timeout", [3.0])
def test_slow_request_times_out_and_its_changes_are_rolled_back(small, runtime, slow) -> None:
    r = small.post("/api/v1/test-slow-write", params={"name": "never"})
    assert r.status_code == 503 and r.json()["title"] == "Request timed out"
    assert int(r.headers["retry-after"]) > 0
    assert not slow.finished.is_set()  # answered at the deadline, while the handler still ran
    slow.release.set()
    # A handler that had started runs to its end (its changes had their chance to commit); on a loaded
    # machine the deadline can pass before the handler starts, and then it never runs.
    if slow.started.is_set():
        assert slow.finished.wait(60)
    with runtime.session_factory() as s:
        assert s.scalars(select(ApiTokenRecord).where(ApiTokenRecord.name == "never")).first() is None
    audited = small.get("/api/v1/audit").json()[0]
    assert audited["status"] == 503 and audited["outcome"] == "error"


def test_fast_request_within_the_limit_commits(small, runtime) -> None:
    r = small.post("/api/v1/test-slow-write", params={"name": "quick", "hold": False})
    assert r.status_code == 200
    with runtime.session_factory() as s:
        assert s.scalars(select(ApiTokenRecord).where(ApiTokenRecord.name == "quick")).first() is not None


def test_ingest_rate_limit_per_integration(app, anon_client, client, credentials) -> None:
    app.state.guards.ingest_limiter = RateLimiter(rate=0.5, burst=2)
    other = client.post("/api/v1/tokens", json={"name": "grafana-prod", "role": "ingest"}).json()["secret"]
    key = credentials["ingest"]
    body = alertmanager(am_alert())
    assert anon_client.post("/api/v1/alerts/alertmanager", json=body, headers=auth(key)).status_code == 202
    assert anon_client.post("/api/v1/alerts", json={"title": "x"}, headers=auth(key)).status_code == 202
    # Alertmanager drops a notification answered 4xx and retries a 5xx: it is told 503, to retry.
    limited = anon_client.post("/api/v1/alerts/alertmanager", json=body, headers=auth(key))
    assert limited.status_code == 503 and limited.headers["retry-after"] == "2"
    assert "integration key" in limited.json()["detail"]
    # PagerDuty clients retry a 429; PagerDuty events with the same key share its budget.
    assert anon_client.post("/v2/enqueue", json=pagerduty(key)).status_code == 429
    # Another integration has its own.
    assert anon_client.post("/api/v1/alerts/alertmanager", json=body, headers=auth(other)).status_code == 202
    assert anon_client.post("/v2/enqueue", json=pagerduty(other)).status_code == 202
    assert [e["outcome"] for e in client.get("/api/v1/audit", params={"outcome": "limited"}).json()] == ["limited"] * 2


def test_alerts_are_budgeted_one_by_one_and_a_whole_request_fits_a_full_bucket(app, anon_client, credentials,
                                                                              clock) -> None:
    app.state.guards.alert_limiter = RateLimiter(rate=10, burst=30)
    key = credentials["ingest"]
    many = alertmanager(*[am_alert(f"Storm{n}") for n in range(25)])
    assert anon_client.post("/api/v1/alerts/alertmanager", json=many, headers=auth(key)).status_code == 202
    # 5 alerts are left: a request of 25 waits 2 s; Alertmanager is told 503, the generic API 429.
    refused = anon_client.post("/api/v1/alerts/alertmanager", json=many, headers=auth(key))
    assert refused.status_code == 503 and refused.headers["retry-after"] == "2"
    assert "too many alerts" in refused.json()["detail"]
    for n in range(5):
        assert anon_client.post("/api/v1/alerts", json={"title": f"one {n}"}, headers=auth(key)).status_code == 202
    assert anon_client.post("/api/v1/alerts", json={"title": "one more"}, headers=auth(key)).status_code == 429
    clock.advance(timedelta(seconds=3))
    # A request larger than the whole burst is taken when the bucket is full, and empties it.
    huge = alertmanager(*[am_alert(f"Flood{n}") for n in range(40)])
    assert anon_client.post("/api/v1/alerts/alertmanager", json=huge, headers=auth(key)).status_code == 202
    assert anon_client.post("/api/v1/alerts", json={"title": "after"}, headers=auth(key)).status_code == 429


def test_the_default_budgets_take_an_alertmanager_storm_of_ten_thousand_groups() -> None:
    guards = Guards.from_settings(Settings())
    now = datetime(2026, 12, 1, tzinfo=UTC)
    # One webhook per alert group at once, five alerts each: every one admitted at the same instant.
    for _ in range(10_000):
        guards.ingest_limiter.check("token:1", now=now)
        guards.alert_limiter.check("token:1", now=now, cost=5)


def test_rate_limit_refills(app, anon_client, credentials, clock) -> None:
    from datetime import timedelta
    app.state.guards.ingest_limiter = RateLimiter(rate=1, burst=1)
    key = credentials["ingest"]
    assert anon_client.post("/api/v1/alerts", json={"title": "x"}, headers=auth(key)).status_code == 202
    assert anon_client.post("/api/v1/alerts", json={"title": "x"}, headers=auth(key)).status_code == 429
    clock.advance(timedelta(seconds=1))
    assert anon_client.post("/api/v1/alerts", json={"title": "x"}, headers=auth(key)).status_code == 202


def test_nul_characters_are_refused_everywhere_with_the_place_named(client, credentials, runtime) -> None:
    cases = [
        (client.get("/api/v1/incidents", params={"service": "x\x00"}), "query"),
        (client.get("/api/v1/runbooks/a%00b"), "path"),
        (client.post("/api/v1/tokens", json={"name": "a\x00b", "role": "viewer"}), "body"),
        (client.post("/api/v1/alerts", content=b'{"title": "x\\u0000"}', headers=auth(credentials["ingest"])), "body"),
        (client.post("/api/v1/auth/login", content=b"username=a%00&password=b",
                     headers={"content-type": "application/x-www-form-urlencoded"}), "body"),
    ]
    for response, where in cases:
        assert response.status_code == 422, response.text
        assert response.json()["field"] == where and "NUL" in response.json()["detail"]
    # An escaped backslash followed by the text "u0000" is ordinary text.
    ok = client.post("/api/v1/alerts", content=b'{"title": "printf \\\\u0000"}', headers=auth(credentials["ingest"]))
    assert ok.status_code == 202, ok.text
    assert client.get("/api/v1/incidents").json()["items"][0]["title"] == "printf \\u0000"
