"""HTTP test fixtures: the app with a fast password hasher, console users per role, an HTTPS browser."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from firebreak.runtime import Runtime
from firebreak.security import users
from tests.support.accounts import FAST_HASHER, PASSWORD


@pytest.fixture
def fast_app(app):  # type: ignore[no-untyped-def]
    """The app with a cheap password hasher."""
    app.state.guards.hasher = FAST_HASHER
    return app


@pytest.fixture
def console_users(runtime: Runtime) -> dict[str, str]:
    """One console user per human role, all with PASSWORD; returns role → user name."""
    names = {}
    with runtime.session_factory.begin() as s:
        for role in ("admin", "responder", "viewer"):
            name = f"{role}-user"
            users.create_user(s, name=name, role=role, password=PASSWORD, now=runtime.clock.now(),
                              hasher=FAST_HASHER)
            names[role] = name
    return names


@pytest.fixture
def browser(fast_app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """A cookie-keeping client over HTTPS (session cookies are Secure)."""
    with TestClient(fast_app, base_url="https://testserver", raise_server_exceptions=False) as c:
        yield c


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Sign in and return the CSRF token."""
    r = client.post("/api/v1/auth/login", json={"username": name, "password": password})
    assert r.status_code == 200, r.text
    return r.json()["csrf_token"]  # type: ignore[no-any-return]
