"""Security headers on every response, request ids that cannot inject headers, and safe 500s."""

from __future__ import annotations

import logging

import pytest
from fastapi import Depends
from fastapi.testclient import TestClient

from firebreak.http.deps import require_responder
from tests.conftest import auth


def assert_hardened(headers) -> None:  # type: ignore[no-untyped-def]
    csp = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp and "object-src 'none'" in csp
    assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    assert len(headers["x-request-id"]) == 32


@pytest.mark.parametrize("path", ["/healthz", "/api/v1/incidents", "/no/such/page", "/api/v1/tokens"])
def test_every_response_is_hardened(anon_client, path: str) -> None:
    assert_hardened(anon_client.get(path).headers)


def test_api_answers_are_not_cached_and_nonces_differ(client) -> None:
    a = client.get("/api/v1/incidents")
    b = client.get("/api/v1/incidents")
    assert a.headers["cache-control"] == "no-store"
    assert a.headers["content-security-policy"] != b.headers["content-security-policy"]
    assert "strict-transport-security" not in a.headers


def test_hsts_over_https(app, credentials) -> None:
    with TestClient(app, base_url="https://testserver") as c:
        assert c.get("/healthz").headers["strict-transport-security"].startswith("max-age=")


def test_docs_need_a_token_and_may_load_their_assets(anon_client, client) -> None:
    assert anon_client.get("/docs").status_code == 401
    assert anon_client.get("/openapi.json").status_code == 401
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/static/swagger-ui/swagger-ui-bundle.js" in docs.text
    # Offline: every asset is a file of this site, under the same CSP as every page.
    csp = docs.headers["content-security-policy"]
    assert "http" not in csp and "frame-ancestors 'none'" in csp
    assert "cdn" not in docs.text and "<script>" not in docs.text
    redoc = client.get("/redoc")
    assert redoc.status_code == 200 and "/static/redoc/redoc.standalone.js" in redoc.text and "http" not in redoc.text
    for asset in ("/static/swagger-ui/swagger-ui-bundle.js", "/static/swagger-ui/swagger-ui.css",
                  "/static/redoc/redoc.standalone.js", "/static/docs.js"):
        assert anon_client.get(asset).status_code == 200, asset
    schema = client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    ack = schema["paths"]["/api/v1/incidents/{incident_id}/acknowledge"]["post"]
    assert {"401", "403", "404", "422"} <= set(ack["responses"]) and ack["security"]
    assert "security" not in schema["paths"]["/healthz"]["get"]


def test_hostile_request_id_is_replaced(client) -> None:
    for bad in ("a b", "x" * 65, "id\tinjected", "<script>"):
        got = client.get("/healthz", headers={"X-Request-ID": bad}).headers["x-request-id"]
        assert got != bad and len(got) == 32


@pytest.fixture
def failing_app(app):  # type: ignore[no-untyped-def]
    @app.post("/api/v1/test-boom", dependencies=[Depends(require_responder)])
    def boom() -> None:
        raise RuntimeError("could not connect to postgresql://fire:s3cr3t-pw@db:5432/app")

    return app


def test_unexpected_errors_are_opaque_problems_and_logged_redacted(failing_app, credentials, caplog) -> None:
    with TestClient(failing_app, raise_server_exceptions=False) as c, caplog.at_level(logging.ERROR):
        r = c.post("/api/v1/test-boom", headers=auth(credentials["responder"]))
        assert r.status_code == 500 and r.headers["content-type"] == "application/problem+json"
        assert "s3cr3t" not in r.text and "postgresql" not in r.text
        assert r.headers["x-request-id"] in r.json()["detail"]
        assert_hardened(r.headers)
        audited = c.get("/api/v1/audit", headers=auth(credentials["admin"])).json()[0]
        assert audited["status"] == 500 and audited["outcome"] == "error" and audited["actor"] == "test-responder"
    logged = caplog.text
    assert "unhandled error" in logged and "s3cr3t" not in logged and "fire:[REDACTED]@db" in logged
