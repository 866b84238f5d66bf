"""Request dependencies: the runtime, a per-request transaction, the clock and the caller's role.

Every route declares who may call it through one of its dependencies: `require_viewer`,
`require_responder`, `require_admin`, `require_ingest`, or `PUBLIC` for the few routes open to
anyone (health, the public status page, sign-in, and ingest that carries its key in the body).
`declared_access(route)` reads that declaration back; a test holds every route to it.

Callers authenticate with `Authorization: Bearer <token>` or with the console session cookie;
an admin may add `X-Firebreak-As: NAME` to record the request's changes as "NAME (as set by ADMIN)".
a cookie-authenticated request that changes something must also carry the session's CSRF token
in the `X-CSRF-Token` header, or come from a page of this site (Origin / Sec-Fetch-Site).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from starlette.routing import BaseRoute

from firebreak.http.timeout import Deadline
from firebreak.kernel.clock import Clock
from firebreak.kernel.errors import PermissionDenied, RateLimited, TryLater, Unauthenticated
from firebreak.runtime import Runtime
from firebreak.security import sessions, tokens
from firebreak.security.guards import Guards
from firebreak.security.roles import Principal, Role, acting_as, has_role

SESSION_COOKIE = "firebreak_session"
CSRF_HEADER = "X-CSRF-Token"
# An admin records a change under another name ("NAME (as set by ADMIN)"); anyone else is refused.
ACT_AS_HEADER = "X-Firebreak-As"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ACCESS_ATTRIBUTE = "firebreak_access"
# Strictest first: a route that depends on several requirements needs the strictest one.
ACCESS_ORDER = ("ingest", "admin", "responder", "viewer", "public")


def get_runtime(request: Request) -> Runtime:
    """The process runtime stored on the app."""
    return request.app.state.runtime  # type: ignore[no-any-return]


def get_clock(runtime: Annotated[Runtime, Depends(get_runtime)]) -> Clock:
    return runtime.clock


def get_guards(request: Request) -> Guards:
    """Rate limiter, sign-in throttle and password hasher of this app."""
    return request.app.state.guards  # type: ignore[no-any-return]


def get_db(request: Request, runtime: Annotated[Runtime, Depends(get_runtime)]) -> Iterator[Session]:
    """One transaction per request: commit when the handler succeeds, roll back otherwise.

    The commit happens before the response is sent, and not at all once the request's deadline
    has passed and a timeout has been answered instead.
    """
    session = runtime.session_factory()
    try:
        yield session
        deadline: Deadline | None = getattr(request.state, "deadline", None)
        if deadline is not None and not deadline.claim_commit():
            raise TimeoutError("the request timed out before its changes were committed")
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def bearer_secret(request: Request) -> str | None:
    """The token from `Authorization: Bearer …`, if any."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def read_credentials(runtime: Runtime, check: Callable[[Session], Principal]) -> Principal:
    """Check credentials in a read session (no write lock); "last used" bookkeeping is best effort."""
    with runtime.read_session_factory() as session:
        principal = check(session)
        if session.dirty:
            try:
                session.commit()
            except OperationalError:
                session.rollback()
    return principal


def same_origin(request: Request) -> bool:
    """True when the browser says the request comes from a page of this site.

    Browsers attach Origin (or Sec-Fetch-Site) to every cross-site POST and a page cannot forge
    them, so plain HTML forms of the console work without a token while other sites' forms fail.
    """
    origin = request.headers.get("origin")
    if origin and origin != "null":
        return urlsplit(origin).netloc.lower() == request.headers.get("host", "").lower()
    return request.headers.get("sec-fetch-site") == "same-origin"


def authenticate_request(request: Request, runtime: Runtime) -> Principal:
    """Who is calling (bearer token first, then session cookie), or Unauthenticated."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    secret = bearer_secret(request)
    cookie = request.cookies.get(SESSION_COOKIE)
    if secret is None and not cookie:
        raise Unauthenticated("sign in, or send a token as Authorization: Bearer <token>")
    now = runtime.clock.now()
    if secret is not None:
        principal = read_credentials(runtime, lambda session: tokens.authenticate(session, secret=secret, now=now))
    else:
        assert cookie is not None
        principal = read_credentials(
            runtime, lambda session: sessions.authenticate_session(session, secret=cookie, now=now))
    if principal.via == "session" and request.method not in SAFE_METHODS \
            and not sessions.csrf_matches(cookie or "", request.headers.get(CSRF_HEADER)) \
            and not same_origin(request):
        raise PermissionDenied(f"a signed-in session must send its CSRF token in the {CSRF_HEADER} header "
                               "(or come from a page of this site) to change anything")
    request.state.principal = principal
    acting = request.headers.get(ACT_AS_HEADER)
    if acting is not None:
        principal = acting_as(principal, acting)
        request.state.principal = principal
    return principal


def in_own_name(principal: Principal, what: str) -> Principal:
    """Refuse `what` when the caller acts as someone else (runbook steps keep the two-person rule honest)."""
    if principal.set_by is not None:
        raise PermissionDenied(f"{what} under your own name, not as someone else ({ACT_AS_HEADER})")
    return principal


def limit_key(principal: Principal) -> str:
    return f"token:{principal.token_id}" if principal.token_id is not None else f"name:{principal.name}"


def limit_ingest(request: Request, principal: Principal, now: datetime) -> None:
    """Spend one request of the caller's per-integration ingest budget (RateLimited when empty).

    Senders that retry only server errors (Alertmanager, Grafana) are told 503 instead of 429.
    """
    with noted_limit(request):
        get_guards(request).ingest_limiter.check(limit_key(principal), now=now, what="alert requests",
                                                 refusal=refusal_for(request))


def limit_alerts(request: Request, principal: Principal, count: int, now: datetime) -> None:
    """Spend `count` alerts of the caller's per-integration alert budget."""
    with noted_limit(request):
        get_guards(request).alert_limiter.check(limit_key(principal), now=now, what="alerts", cost=count,
                                                refusal=refusal_for(request))


@contextmanager
def noted_limit(request: Request) -> Iterator[None]:
    """Mark the request as refused by a rate limit, so the audit log says `limited` even for a 503."""
    try:
        yield
    except RateLimited:
        request.state.rate_limited = True
        raise


RETRY_ONLY_5XX = ("/api/v1/alerts/alertmanager", "/api/v1/alerts/grafana")


def refusal_for(request: Request) -> type[RateLimited]:
    """TryLater (503) for senders that drop a 4xx answer, RateLimited (429) for the rest."""
    return TryLater if request.url.path in RETRY_ONLY_5XX else RateLimited


def requirement(role: Role) -> Callable[..., Principal]:
    """A dependency that admits callers whose role covers `role`."""

    def check(request: Request, runtime: Annotated[Runtime, Depends(get_runtime)]) -> Principal:
        principal = authenticate_request(request, runtime)
        if not has_role(principal, role):
            needed = "an ingest key" if role == "ingest" else f"{role} or above"
            raise PermissionDenied(f"role {principal.role!r} may not do this; {needed} is needed")
        if role == "ingest":
            limit_ingest(request, principal, runtime.clock.now())
        return principal

    check.__name__ = f"require_{role}"
    setattr(check, ACCESS_ATTRIBUTE, role)
    return check


def public() -> None:
    """Declares a route open to anyone; it must check whatever credentials it needs itself."""


setattr(public, ACCESS_ATTRIBUTE, "public")

require_viewer = requirement("viewer")
require_responder = requirement("responder")
require_admin = requirement("admin")
require_ingest = requirement("ingest")

PUBLIC = Depends(public)
DB = Annotated[Session, Depends(get_db, scope="function")]
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
GuardsDep = Annotated[Guards, Depends(get_guards)]
Viewer = Annotated[Principal, Depends(require_viewer)]
Responder = Annotated[Principal, Depends(require_responder)]
Admin = Annotated[Principal, Depends(require_admin)]
Ingest = Annotated[Principal, Depends(require_ingest)]


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One method of one route as the app serves it, with the access it declares."""

    method: str
    path: str
    access: str | None
    dependant: Dependant | None
    route: BaseRoute


def endpoints(routes: Sequence[BaseRoute]) -> list[Endpoint]:
    """Every (method, path) the app serves, included routers flattened; non-API routes have no dependant."""
    found = []
    for context in iter_route_contexts(routes):
        dependant = getattr(context, "dependant", None)
        path = context.path or ""
        for method in sorted(context.methods or {"*"}):
            if method == "HEAD":
                continue
            found.append(Endpoint(method, path, declared_access(dependant) if dependant else None, dependant,
                                  context.original_route))
    return sorted(found, key=lambda e: (e.path, e.method))


def declared_access(dependant: Dependant) -> str | None:
    """The access a route declares through its dependencies: a role, "public", or None (undeclared)."""
    found: set[str] = set()
    stack = [dependant]
    while stack:
        current = stack.pop()
        level = getattr(current.call, ACCESS_ATTRIBUTE, None)
        if isinstance(level, str):
            found.add(level)
        stack.extend(current.dependencies)
    return next((level for level in ACCESS_ORDER if level in found), None)
