"""Token management over HTTP: admins only, secrets shown once, revocation is immediate."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from firebreak.db.models.security import ApiTokenRecord
from tests.conftest import auth


def test_create_list_use_and_revoke(client, anon_client, runtime) -> None:
    r = client.post("/api/v1/tokens", json={"name": "grafana", "role": "viewer", "expires_in_days": 30})
    assert r.status_code == 201, r.text
    created = r.json()
    secret = created["secret"]
    assert secret.startswith("fbk_") and created["active"] and created["prefix"] == secret[:8]
    assert created["expires_at"].startswith(str((runtime.clock.now() + timedelta(days=30)).date()))
    listed = client.get("/api/v1/tokens").json()
    assert "secret" not in listed[0] and secret not in str(listed)
    assert {t["name"] for t in listed} >= {"grafana", "bootstrap-admin", "default-ingest"}
    with runtime.session_factory() as s:
        stored = s.scalars(select(ApiTokenRecord).where(ApiTokenRecord.name == "grafana")).one()
        assert secret not in (stored.token_hash, stored.prefix)
    assert anon_client.get("/api/v1/incidents", headers=auth(secret)).status_code == 200
    revoked = client.delete(f"/api/v1/tokens/{created['id']}")
    assert revoked.status_code == 200 and revoked.json()["active"] is False
    r = anon_client.get("/api/v1/incidents", headers=auth(secret))
    assert r.status_code == 401 and "revoked" in r.json()["detail"]
    assert client.delete(f"/api/v1/tokens/{created['id']}").status_code == 422


def test_ingest_key_can_only_send_alerts(client, anon_client) -> None:
    key = client.post("/api/v1/tokens", json={"name": "alertmanager-prod", "role": "ingest"}).json()["secret"]
    assert key.startswith("fbi_")
    from tests.payloads import alertmanager, am_alert
    assert anon_client.post("/api/v1/alerts/alertmanager", json=alertmanager(am_alert()),
                            headers=auth(key)).status_code == 202
    assert anon_client.get("/api/v1/incidents", headers=auth(key)).status_code == 403
    assert anon_client.post("/api/v1/incidents/1/acknowledge", headers=auth(key)).status_code == 403


def test_admin_cannot_revoke_its_own_token(client, runtime) -> None:
    with runtime.session_factory() as s:
        own = s.scalars(select(ApiTokenRecord.id).where(ApiTokenRecord.name == "bootstrap-admin")).one()
    r = client.delete(f"/api/v1/tokens/{own}")
    assert r.status_code == 409 and "cannot revoke itself" in r.json()["detail"]


def test_only_admins_manage_tokens(anon_client, credentials) -> None:
    for role in ("viewer", "responder", "ingest"):
        headers = auth(credentials[role])
        assert anon_client.get("/api/v1/tokens", headers=headers).status_code == 403
        assert anon_client.post("/api/v1/tokens", json={"name": "x", "role": "admin"},
                                headers=headers).status_code == 403
        assert anon_client.delete("/api/v1/tokens/1", headers=headers).status_code == 403


def test_bad_token_requests_are_4xx(client) -> None:
    assert client.post("/api/v1/tokens", json={"name": "x", "role": "root"}).status_code == 422
    assert client.post("/api/v1/tokens", json={"name": "", "role": "viewer"}).status_code == 422
    assert client.post("/api/v1/tokens", json={"name": "x", "role": "viewer", "expires_in_days": 0}).status_code == 422
    assert client.post("/api/v1/tokens", json={"name": "default-ingest", "role": "viewer"}).status_code == 409
    assert client.delete("/api/v1/tokens/987654").status_code == 404


def test_expired_token_is_refused(client, anon_client, clock) -> None:
    body = {"name": "short", "role": "viewer", "expires_in_days": 1}
    secret = client.post("/api/v1/tokens", json=body).json()["secret"]
    clock.advance(timedelta(days=1, seconds=1))
    r = anon_client.get("/api/v1/incidents", headers=auth(secret))
    assert r.status_code == 401 and "expired" in r.json()["detail"]


def test_last_used_is_recorded(client, anon_client, runtime, credentials, clock) -> None:
    anon_client.get("/api/v1/incidents", headers=auth(credentials["viewer"]))
    tokens = {t["name"]: t for t in client.get("/api/v1/tokens").json()}
    assert tokens["test-viewer"]["last_used_at"] is not None
    assert tokens["test-responder"]["last_used_at"] is None
