"""Role × endpoint matrix over every route the app has at test time.

Routes are read from `app.routes` when the test runs, so endpoints added later are covered
without touching this file: each must declare its access (a `require_*` dependency or PUBLIC),
and each declared role is then proved against every kind of caller — allowed ones get past
authorization, refused ones get 401 (nobody) or 403 (wrong role).
"""

from __future__ import annotations

import re
import typing
import uuid
from typing import Any

from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from firebreak.http.deps import Endpoint, declared_access, endpoints
from tests.conftest import auth

CALLERS = ("anonymous", "ingest", "viewer", "responder", "admin")
ALLOWED: dict[str, set[str]] = {
    "public": set(CALLERS),
    "viewer": {"viewer", "responder", "admin"},
    "responder": {"responder", "admin"},
    "admin": {"admin"},
    "ingest": {"ingest", "admin"},
}
# Minimum access for sensitive routes, by method and path pattern (the policy of the issue).
# "WRITE" stands for any method but GET.
POLICY: list[tuple[str, str, set[str]]] = [
    ("*", r"^/api/v1/tokens", {"admin"}),
    ("*", r"^/api/v1/audit", {"admin"}),
    ("*", r"^/api/v1/users", {"admin"}),
    ("*", r"reload", {"admin"}),
    ("POST", r"^/api/v1/alerts", {"ingest"}),
    ("WRITE", r"approv", {"responder", "admin"}),
]
# Writes a viewer may make: ending their own session (API or console), and dry runs that change nothing.
VIEWER_WRITES = {("POST", "/api/v1/auth/logout"), ("POST", "/logout"), ("POST", "/api/v1/route/test")}
# Writes without a token or session, each carrying its own credential: the password, the routing
# key in the body, the signed acknowledgement link in the path.
PUBLIC_WRITES = {("POST", "/api/v1/auth/login"), ("POST", "/login"), ("POST", "/v2/enqueue"),
                 ("POST", "/v2/change/enqueue"), ("POST", "/ack/{token}")}
RUN_STEPS = re.compile(r"/steps?/[^/]+/(run|execute|approve)|/runs?$|/execute$")


def api_endpoints(app: Any) -> list[Endpoint]:
    return [e for e in endpoints(app.routes) if e.dependant is not None]


def sample_value(annotation: Any, name: str) -> str:
    """A well-formed value for a path parameter that names nothing that exists."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if annotation is int:
        return "987654"
    if annotation is uuid.UUID:
        return str(uuid.UUID(int=987654))
    return f"no-such-{name}".replace("_", "-")[:30]


def url_for(endpoint: Endpoint) -> str:
    path = endpoint.path
    assert endpoint.dependant is not None
    for param in endpoint.dependant.path_params:
        path = path.replace("{" + param.name + "}", sample_value(param.field_info.annotation, param.name))
        path = re.sub(r"\{" + param.name + r":[^}]+\}", sample_value(str, param.name), path)
    return path


def refused(status: int, caller: str, response: Any) -> bool:
    if caller == "anonymous":
        redirect_to_login = status in (302, 303, 307) and "login" in response.headers.get("location", "")
        return status == 401 or redirect_to_login
    return status == 403


def test_every_route_declares_its_access(app) -> None:
    all_endpoints = endpoints(app.routes)
    assert len(all_endpoints) >= 15
    undeclared = [f"{e.method} {e.path}" for e in all_endpoints if e.dependant is not None and e.access is None]
    assert not undeclared, ("routes without a role requirement (add a require_* dependency, or PUBLIC if "
                            f"anyone may call them): {undeclared}")
    others = [e.path for e in all_endpoints if e.dependant is None
              and not (isinstance(e.route, Mount) and isinstance(e.route.app, StaticFiles))]
    assert not others, f"routes outside FastAPI's dependency system cannot declare access: {others}"


def test_declared_access_follows_the_policy(app) -> None:
    problems = []
    for endpoint in api_endpoints(app):
        method, route, level = endpoint.method, endpoint, endpoint.access
        if level == "public":
            if method != "GET" and (method, route.path) not in PUBLIC_WRITES:
                problems.append(f"{method} {route.path} changes state without credentials")
            continue
        if method != "GET" and level == "viewer" and (method, route.path) not in VIEWER_WRITES:
            problems.append(f"{method} {route.path}: viewers only read, but it requires just viewer")
        if RUN_STEPS.search(route.path) and method != "GET" and level not in ("responder", "admin"):
            problems.append(f"{method} {route.path}: only responders run or approve runbook steps, not {level}")
        for wanted_method, pattern, levels in POLICY:
            applies = wanted_method in ("*", method) or (wanted_method == "WRITE" and method != "GET")
            if applies and re.search(pattern, route.path) and level not in levels:
                problems.append(f"{method} {route.path}: requires {level}, policy says {sorted(levels)}")
    assert not problems, "\n".join(problems)


def test_role_matrix(app, anon_client, credentials, runtime) -> None:
    # Allowed calls must pass authorization; the limiter is not what this test is about.
    app.state.guards.ingest_limiter.rate = 0
    mismatches: list[str] = []
    checked = 0
    for endpoint in api_endpoints(app):
        method, level = endpoint.method, endpoint.access
        assert level is not None
        url = url_for(endpoint)
        for caller in CALLERS:
            headers = {} if caller == "anonymous" else auth(credentials[caller])
            response = anon_client.request(method, url, headers=headers, follow_redirects=False)
            status = response.status_code
            allowed = caller in ALLOWED[level]
            checked += 1
            if status >= 500:
                mismatches.append(f"{caller:9} {method} {url}: server error {status} {response.text[:200]}")
            elif allowed and status in (401, 403):
                mismatches.append(f"{caller:9} {method} {url}: refused {status} but {level} access admits it")
            elif not allowed and not refused(status, caller, response):
                mismatches.append(f"{caller:9} {method} {url}: got {status}, expected refusal ({level} only)")
    assert checked >= 5 * 15
    assert not mismatches, "\n".join(mismatches)


def test_matrix_catches_a_route_without_a_role(app) -> None:
    """The matrix is not vacuous: an undeclared route is reported."""

    @app.get("/api/v1/forgotten-check")
    def forgotten() -> dict[str, str]:
        return {"open": "to all"}

    found = [e for e in endpoints(app.routes) if e.path == "/api/v1/forgotten-check"]
    assert len(found) == 1 and found[0].access is None and found[0].dependant is not None
    assert declared_access(found[0].dependant) is None
