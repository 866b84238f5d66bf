"""Console sign-in over HTTP: cookie flags, CSRF on changes, logout, expiry, throttling, roles."""

from __future__ import annotations

from datetime import timedelta

from firebreak.http.deps import CSRF_HEADER, SESSION_COOKIE
from firebreak.security import users
from tests.http.conftest import sign_in
from tests.payloads import alertmanager, am_alert
from tests.support.accounts import FAST_HASHER, PASSWORD


def open_incident(ingest_client) -> int:
    r = ingest_client.post("/api/v1/alerts/alertmanager", json=alertmanager(am_alert()))
    return r.json()["results"][0]["incident_id"]


def test_login_sets_a_hardened_cookie_and_me_shows_the_user(browser, console_users) -> None:
    r = browser.post("/api/v1/auth/login", json={"username": "responder-user", "password": PASSWORD})
    assert r.status_code == 200, r.text
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=fbs_")
    for flag in ("HttpOnly", "Secure", "SameSite=strict", "Path=/", "Max-Age=43200"):
        assert flag.lower() in cookie.lower(), cookie
    body = r.json()
    assert body["name"] == "responder-user" and body["role"] == "responder" and body["via"] == "session"
    me = browser.get("/api/v1/auth/me")
    assert me.status_code == 200 and me.json()["csrf_token"] == body["csrf_token"]
    assert me.json()["csrf_header"] == CSRF_HEADER


def test_cookie_is_not_secure_when_configured_for_plain_http(fast_app, console_users, anon_client) -> None:
    fast_app.state.guards.cookie_secure = False
    r = anon_client.post("/api/v1/auth/login", json={"username": "viewer-user", "password": PASSWORD})
    assert r.status_code == 200 and "secure" not in r.headers["set-cookie"].lower()


def test_changes_with_a_session_need_the_csrf_token(browser, console_users, ingest_client) -> None:
    incident = open_incident(ingest_client)
    csrf = sign_in(browser, "responder-user")
    refused = browser.post(f"/api/v1/incidents/{incident}/acknowledge")
    assert refused.status_code == 403 and CSRF_HEADER in refused.json()["detail"]
    wrong = browser.post(f"/api/v1/incidents/{incident}/acknowledge", headers={CSRF_HEADER: "0" * 64})
    assert wrong.status_code == 403
    ok = browser.post(f"/api/v1/incidents/{incident}/acknowledge", headers={CSRF_HEADER: csrf})
    assert ok.status_code == 200 and ok.json()["status"] == "acknowledged"
    assert browser.get(f"/api/v1/incidents/{incident}").status_code == 200  # reads need no token


def test_session_roles_are_enforced_like_tokens(browser, console_users, ingest_client) -> None:
    incident = open_incident(ingest_client)
    csrf = sign_in(browser, "viewer-user")
    assert browser.get("/api/v1/incidents").status_code == 200
    r = browser.post(f"/api/v1/incidents/{incident}/acknowledge", headers={CSRF_HEADER: csrf})
    assert r.status_code == 403 and "responder or above" in r.json()["detail"]
    assert browser.get("/api/v1/tokens").status_code == 403


def test_logout_ends_the_session(browser, console_users) -> None:
    csrf = sign_in(browser, "admin-user")
    secret = browser.cookies.get(SESSION_COOKIE)
    r = browser.post("/api/v1/auth/logout", headers={CSRF_HEADER: csrf})
    assert r.status_code == 204
    assert browser.get("/api/v1/auth/me").status_code == 401
    # The old cookie value is dead server-side too, not just deleted in this browser.
    again = browser.get("/api/v1/auth/me", cookies={SESSION_COOKIE: secret})
    assert again.status_code == 401 and "ended" in again.json()["detail"]


def test_session_expires(browser, console_users, clock) -> None:
    sign_in(browser, "viewer-user")
    clock.advance(timedelta(hours=12))
    r = browser.get("/api/v1/auth/me")
    assert r.status_code == 401 and "expired" in r.json()["detail"]
    assert r.headers["www-authenticate"] == "Bearer"


def test_wrong_password_and_unknown_user_look_the_same(browser, console_users) -> None:
    a = browser.post("/api/v1/auth/login", json={"username": "viewer-user", "password": "not the password"})
    b = browser.post("/api/v1/auth/login", json={"username": "ghost", "password": "not the password"})
    assert a.status_code == b.status_code == 401
    assert a.json()["detail"] == b.json()["detail"] == "wrong user name or password"
    assert SESSION_COOKIE not in browser.cookies


def test_login_is_throttled_with_retry_after(browser, console_users, client) -> None:
    for _ in range(5):
        assert browser.post("/api/v1/auth/login",
                            json={"username": "admin-user", "password": "guess guess guess"}).status_code == 401
    r = browser.post("/api/v1/auth/login", json={"username": "admin-user", "password": PASSWORD})
    assert r.status_code == 429
    assert 0 < int(r.headers["retry-after"]) <= 900 and r.json()["retry_after"] == int(r.headers["retry-after"])
    # Other users are not locked out by someone guessing the admin's password.
    assert browser.post("/api/v1/auth/login", json={"username": "viewer-user", "password": PASSWORD}).status_code == 200
    denied = client.get("/api/v1/audit", params={"actor": "admin-user"}).json()
    assert [e["outcome"] for e in denied][:6] == ["limited"] + ["denied"] * 5
    assert all(e["action"] == "POST /api/v1/auth/login" and e["via"] == "anonymous" for e in denied)


def test_throttle_releases_after_the_window(browser, console_users, clock) -> None:
    for _ in range(5):
        browser.post("/api/v1/auth/login", json={"username": "admin-user", "password": "guess guess guess"})
    assert browser.post("/api/v1/auth/login", json={"username": "admin-user", "password": PASSWORD}).status_code == 429
    clock.advance(timedelta(minutes=15))
    assert browser.post("/api/v1/auth/login", json={"username": "admin-user", "password": PASSWORD}).status_code == 200


def test_disabled_user_session_stops_working(browser, console_users, runtime) -> None:
    sign_in(browser, "responder-user")
    with runtime.session_factory.begin() as s:
        users.disable_user(s, name="responder-user", now=runtime.clock.now())
    assert browser.get("/api/v1/auth/me").status_code == 401


def test_bearer_token_wins_over_a_cookie(browser, console_users, credentials) -> None:
    sign_in(browser, "viewer-user")
    r = browser.get("/api/v1/tokens", headers={"Authorization": f"Bearer {credentials['admin']}"})
    assert r.status_code == 200
    me = browser.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {credentials['responder']}"})
    assert me.json()["via"] == "token" and me.json()["csrf_token"] is None


def test_login_validates_its_body(anon_client) -> None:
    r = anon_client.post("/api/v1/auth/login", json={"username": "x"})
    assert r.status_code == 422 and r.json()["field"] == "password"
    r = anon_client.post("/api/v1/auth/login", json={"username": "x", "password": "p" * 2000})
    assert r.status_code == 422


def test_stored_password_is_an_argon2_hash(runtime, console_users) -> None:
    with runtime.session_factory() as s:
        record = users.get_user(s, name="viewer-user")
        assert record.password_hash.startswith("$argon2id$") and PASSWORD not in record.password_hash
        assert users.sign_in(s, name="viewer-user", password=PASSWORD, now=runtime.clock.now(),
                             hasher=FAST_HASHER).name == "viewer-user"


def test_same_site_pages_may_post_without_the_token_but_other_sites_may_not(browser, console_users,
                                                                           ingest_client) -> None:
    incident = open_incident(ingest_client)
    sign_in(browser, "responder-user")
    url = f"/api/v1/incidents/{incident}/notes"
    for headers in ({"Origin": "https://evil.example"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"},
                    {"Origin": "https://testserver.evil.example"}):
        assert browser.post(url, json={"text": "x"}, headers=headers).status_code == 403, headers
    assert browser.post(url, json={"text": "from the console"}, headers={"Origin": "https://testserver"}
                        ).status_code == 201
    assert browser.post(url, json={"text": "fetch"}, headers={"Sec-Fetch-Site": "same-origin"}).status_code == 201
