"""Console sign-in: password login (throttled) setting a session cookie, logout, who am I."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from firebreak.db.models.security import UserRecord
from firebreak.http.deps import (
    CSRF_HEADER,
    DB,
    PUBLIC,
    SESSION_COOKIE,
    GuardsDep,
    RuntimeDep,
    Viewer,
)
from firebreak.http.responses import RevealingJSONResponse
from firebreak.kernel.errors import Unauthenticated
from firebreak.runtime import Runtime
from firebreak.security import sessions, users
from firebreak.security.guards import Guards
from firebreak.security.passwords import MAX_LENGTH
from firebreak.security.roles import Principal

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


class LoginIn(BaseModel):
    """User name and password."""

    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=users.NAME_MAX)
    password: str = Field(min_length=1, max_length=MAX_LENGTH)


class SessionOut(BaseModel):
    """Who is signed in; `csrf_token` must accompany every change made with the session cookie."""

    name: str
    role: str
    via: Literal["token", "session"]
    csrf_token: str | None = None
    csrf_header: str = CSRF_HEADER
    expires_at: datetime | None = None


def set_session_cookie(response: Response, guards: Guards, *, secret: str, max_age: int) -> None:
    """The session cookie: HttpOnly, SameSite=Strict, Secure unless configured for plain HTTP."""
    response.set_cookie(SESSION_COOKIE, secret, max_age=max_age, path="/", httponly=True,
                        secure=guards.cookie_secure, samesite="strict")


@router.post("/login", response_model=SessionOut, dependencies=[PUBLIC], response_class=RevealingJSONResponse,
             responses={401: {"description": "Wrong user name or password"},
                        429: {"description": "Too many failed attempts; see Retry-After"}})
def login(body: LoginIn, request: Request, response: Response, db: DB, runtime: RuntimeDep,
          guards: GuardsDep) -> SessionOut:
    """Sign in with a password; the answer sets the session cookie."""
    user, new = open_session(request, db, runtime, guards, username=body.username, password=body.password)
    set_session_cookie(response, guards, secret=new.secret, max_age=int(guards.session_lifetime.total_seconds()))
    return SessionOut(name=user.name, role=user.role, via="session", csrf_token=new.csrf_token,
                      expires_at=new.expires_at)


def open_session(request: Request, db: Session, runtime: Runtime, guards: Guards, *, username: str,
                 password: str) -> tuple[UserRecord, sessions.NewSession]:
    """Check a password (throttled per user and client) and start a console session; the API and the
    console's sign-in form both sign in here."""
    now = runtime.clock.now()
    client = request.client.host if request.client else None
    request.state.audit_actor = username
    keys = guards.login_throttle.keys(username, client)
    guards.login_throttle.check(keys, now=now)
    try:
        user = users.sign_in(db, name=username, password=password, now=now, hasher=guards.hasher)
    except Unauthenticated:
        guards.login_throttle.failed(keys, now=now)
        raise
    guards.login_throttle.succeeded(keys[0])
    return user, sessions.create_session(db, user=user, now=now, lifetime=guards.session_lifetime, client=client)


def end_session(response: Response, db: Session, runtime: Runtime, guards: Guards, caller: Principal) -> None:
    """End the caller's console session and clear its cookie on `response`."""
    if caller.session_id is not None:
        sessions.end_session(db, session_id=caller.session_id, now=runtime.clock.now())
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, secure=guards.cookie_secure,
                           samesite="strict")


@router.post("/logout", status_code=204, response_class=Response)
def logout(db: DB, runtime: RuntimeDep, guards: GuardsDep, caller: Viewer) -> Response:
    """End the current console session (a token caller has nothing to end)."""
    response = Response(status_code=204)
    end_session(response, db, runtime, guards, caller)
    return response


@router.get("/me", response_model=SessionOut, response_class=RevealingJSONResponse)
def whoami(request: Request, caller: Viewer) -> SessionOut:
    """The caller, and for a console session the CSRF token its pages must send."""
    cookie = request.cookies.get(SESSION_COOKIE)
    csrf = sessions.csrf_token(cookie) if caller.via == "session" and cookie else None
    return SessionOut(name=caller.name, role=caller.role, via=caller.via, csrf_token=csrf)
