"""Console sign-in and sign-out: the password form (the API's throttled sign-in), back to the page asked for."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import RedirectResponse

from firebreak.http.console.pages import HOME, NEXT_MAX, ConsoleRoute, PageViewer, render, safe_next, signed_in
from firebreak.http.deps import DB, PUBLIC, GuardsDep, RuntimeDep, same_origin
from firebreak.http.routes.auth import end_session, open_session, set_session_cookie
from firebreak.kernel.errors import PermissionDenied, RateLimited, Unauthenticated
from firebreak.security.passwords import MAX_LENGTH
from firebreak.security.users import NAME_MAX

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)


@router.get("/", dependencies=[PUBLIC])
def home() -> RedirectResponse:
    """The console opens on the incident list."""
    return RedirectResponse(HOME, status_code=303)


@router.get("/login", dependencies=[PUBLIC])
def sign_in_page(request: Request, runtime: RuntimeDep,
                 next: Annotated[str | None, Query(max_length=NEXT_MAX)] = None,
                 signed_out: Annotated[bool, Query()] = False) -> Response:
    """The sign-in form; someone already signed in goes straight on to the page they asked for."""
    target = safe_next(next)
    if signed_in(request, runtime) is not None:
        return RedirectResponse(target, status_code=303)
    return render(request, "sign_in.html", next=target, username="", problem=None, signed_out=signed_out)


@router.post("/login", dependencies=[PUBLIC])
def sign_in(request: Request, db: DB, runtime: RuntimeDep, guards: GuardsDep,
            username: Annotated[str, Form(max_length=NAME_MAX)] = "",
            password: Annotated[str, Form(max_length=MAX_LENGTH)] = "",
            next: Annotated[str, Form(max_length=NEXT_MAX)] = "") -> Response:
    """Check the password, set the session cookie and go on to the page asked for."""
    target = safe_next(next)
    if from_another_site(request):
        # Another site's form must not sign a browser in under an account of the attacker's choosing.
        raise PermissionDenied("sign in from Firebreak's own sign-in page")
    if not username.strip() or not password:
        return render(request, "sign_in.html", status=422, next=target, username=username, signed_out=False,
                      problem="Enter your user name and your password.")
    try:
        _user, new = open_session(request, db, runtime, guards, username=username, password=password)
    except Unauthenticated as exc:
        return render(request, "sign_in.html", status=401, next=target, username=username, signed_out=False,
                      problem=f"Not signed in: {exc.detail}.")
    except RateLimited as exc:
        return render(request, "sign_in.html", status=429, next=target, username=username, signed_out=False,
                      problem=f"{exc.detail}.", headers={"Retry-After": str(exc.retry_after)})
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(response, guards, secret=new.secret, max_age=int(guards.session_lifetime.total_seconds()))
    return response


def from_another_site(request: Request) -> bool:
    """True when the browser says the form was posted from another site (browsers always say where from;
    a client that says nothing, like curl, cannot be made to post by someone else's page)."""
    said = request.headers.get("origin") not in (None, "null") or "sec-fetch-site" in request.headers
    return said and not same_origin(request)


@router.post("/logout")
def sign_out(db: DB, runtime: RuntimeDep, guards: GuardsDep, caller: PageViewer) -> Response:
    """End the session and show the sign-in page again."""
    response = RedirectResponse("/login?signed_out=true", status_code=303)
    end_session(response, db, runtime, guards, caller)
    return response
