"""Request dependencies: the runtime, a per-request transaction, the clock and the caller's role."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from firebreak.kernel.clock import Clock
from firebreak.kernel.errors import PermissionDenied, Unauthenticated
from firebreak.runtime import Runtime
from firebreak.security import tokens
from firebreak.security.roles import Principal, Role, has_role


def get_runtime(request: Request) -> Runtime:
    """The process runtime stored on the app."""
    return request.app.state.runtime  # type: ignore[no-any-return]


def get_clock(runtime: Annotated[Runtime, Depends(get_runtime)]) -> Clock:
    return runtime.clock


def get_db(runtime: Annotated[Runtime, Depends(get_runtime)]) -> Iterator[Session]:
    """One transaction per request: commit when the handler succeeds, roll back otherwise."""
    session = runtime.session_factory()
    try:
        yield session
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


def authenticate_request(request: Request, runtime: Runtime) -> Principal:
    """Who is calling (token), or Unauthenticated."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    secret = bearer_secret(request)
    if secret is None:
        raise Unauthenticated("missing bearer token (Authorization: Bearer <token>)")
    with runtime.session_factory() as session:
        principal = tokens.authenticate(session, secret=secret, now=runtime.clock.now())
    request.state.principal = principal
    return principal


def requirement(role: Role):  # type: ignore[no-untyped-def]
    """A dependency that admits callers whose role covers `role`."""

    def check(request: Request, runtime: Annotated[Runtime, Depends(get_runtime)]) -> Principal:
        principal = authenticate_request(request, runtime)
        if not has_role(principal, role):
            raise PermissionDenied(f"role {principal.role!r} may not do this; {role} or above is needed")
        return principal

    check.__name__ = f"require_{role}"
    return check


require_viewer = requirement("viewer")
require_responder = requirement("responder")
require_admin = requirement("admin")
require_ingest = requirement("ingest")

DB = Annotated[Session, Depends(get_db)]
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
Viewer = Annotated[Principal, Depends(require_viewer)]
Responder = Annotated[Principal, Depends(require_responder)]
Admin = Annotated[Principal, Depends(require_admin)]
Ingest = Annotated[Principal, Depends(require_ingest)]
