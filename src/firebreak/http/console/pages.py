"""Console pages: the template environment, the page renderer, who may see a page, and error pages.

Every value a template prints passes through secret redaction (the environment's `finalize`), as
every API answer does, and a mapping printed key by key goes through the `redacted` filter first (its
secret-named keys are masked); only a `Revealed` value — the session's own CSRF token — is printed as it is.
Console routes use `ConsoleRoute`: a caller who is not signed in is sent to the sign-in page (back to
the page asked for afterwards), an expired or ended session gets a page that says so, and any other
refusal or error is an HTML page with the status code the API would answer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from firebreak import __version__
from firebreak.http.deps import (
    ACCESS_ATTRIBUTE,
    CSRF_HEADER,
    SESSION_COOKIE,
    authenticate_request,
    get_runtime,
    requirement,
)
from firebreak.http.problems import status_of
from firebreak.ingest.validation import field_path
from firebreak.kernel.errors import FirebreakError, PermissionDenied, Unauthenticated
from firebreak.kernel.redact import redact, redact_value
from firebreak.runtime import Runtime
from firebreak.security import sessions
from firebreak.security.roles import Principal, Role

HOME = "/incidents"
NEXT_MAX = 2000


class Revealed(str):
    """A string a page prints unredacted because handing it over is the point (the CSRF token)."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class NavItem:
    """One entry of the console's navigation: a label and the path it opens."""

    label: str
    path: str


# The navigation, in the order it shows; pages that join the console add their entry here.
NAV: list[NavItem] = [
    NavItem("Incidents", "/incidents"),
    NavItem("API", "/docs"),
]


def shown(value: Any) -> Any:
    """What a template prints: text with secrets masked; markup and revealed values as they are."""
    if isinstance(value, str) and not isinstance(value, Markup | Revealed):
        return redact(value)
    return value


def when(value: datetime | None) -> str:
    """A moment as responders read it across time zones: UTC, to the second."""
    if value is None:
        return "—"
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def iso(value: datetime | None) -> str:
    return "" if value is None else value.astimezone(UTC).isoformat()


def words(value: str | None) -> str:
    """An identifier as words: `incident_commander` → `incident commander`."""
    return (value or "").replace("_", " ")


ENV = Environment(loader=PackageLoader("firebreak.http", "templates"), autoescape=select_autoescape(["html"]),
                  undefined=StrictUndefined, finalize=shown, trim_blocks=True, lstrip_blocks=True)
# `redacted` masks a mapping as API answers are masked: values under secret-named keys too (`db_password`).
ENV.filters.update(when=when, iso=iso, words=words, redacted=redact_value)
ENV.globals.update(version=__version__, nav=NAV, csrf_header=CSRF_HEADER)


def csrf_of(request: Request, principal: Principal | None) -> Revealed | None:
    """The CSRF token of the request's console session, for the page's forms and htmx requests."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if principal is None or principal.via != "session" or not cookie:
        return None
    return Revealed(sessions.csrf_token(cookie))


def render(request: Request, template: str, *, status: int = 200, headers: Mapping[str, str] | None = None,
           **context: Any) -> HTMLResponse:
    """A console page: the template with the request's nonce, the signed-in user and their CSRF token."""
    principal: Principal | None = getattr(request.state, "principal", None)
    html = ENV.get_template(template).render(
        request=request, nonce=Revealed(getattr(request.state, "csp_nonce", "")), me=principal,
        csrf=csrf_of(request, principal), path=request.url.path, **context)
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store", **(headers or {})})


def polled(element_id: str, inner: str, url: str, seconds: int) -> tuple[Markup, str]:
    """A part of a page that refreshes itself: `inner` (autoescaped template output) in an element that asks
    `url` every `seconds` with the digest of what it shows (`v`), and that digest."""
    digest = hashlib.sha256(inner.encode()).hexdigest()[:20]
    url = url.rstrip("?&")
    source = f"{url}{'&' if '?' in url else '?'}v={digest}"
    wrapped = (f'<div id="{Markup.escape(element_id)}" hx-get="{Markup.escape(source)}" '
               f'hx-trigger="every {int(seconds)}s" hx-swap="outerHTML">{inner}</div>')
    return Markup(wrapped), digest  # noqa: S704 — every part is escaped or autoescaped output


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a path of this site only (never another host), else the incident list."""
    if not value or len(value) > NEXT_MAX or not value.startswith("/") or value.startswith(("//", "/\\")):
        return HOME
    if any(ch in value for ch in "\r\n\t\\") or urlsplit(value).netloc:
        return HOME
    return value


def asked_for(request: Request) -> str:
    """The page the caller wanted: for an htmx request the page it came from, else this request's own."""
    current = request.headers.get("hx-current-url")
    if current:
        parts = urlsplit(current)
        return safe_next(parts.path + (f"?{parts.query}" if parts.query else ""))
    if request.method != "GET":
        return HOME
    query = request.url.query
    return safe_next(request.url.path + (f"?{query}" if query else ""))


def sign_in_url(target: str) -> str:
    return "/login?" + urlencode({"next": target}) if target != HOME else "/login"


class SignInNeeded(Exception):
    """The caller must sign in; `reason` says why an existing session no longer counts (None: never signed in)."""

    def __init__(self, reason: str | None) -> None:
        super().__init__(reason or "sign in")
        self.reason = reason


def sign_in_answer(request: Request, exc: SignInNeeded) -> Response:
    """Send the caller to sign in: an htmx redirect, the expired-session page, or the sign-in page."""
    target = asked_for(request)
    if request.headers.get("hx-request"):
        return Response(status_code=401, headers={"HX-Redirect": sign_in_url(target)})
    if exc.reason is not None:
        response = render(request, "session_ended.html", status=401, reason=exc.reason, next=target)
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
        return response
    if request.method == "GET" and request.headers.get("sec-fetch-site") == "cross-site":
        # A link followed from a mail or chat page: a SameSite=Strict cookie is not sent with it, but is
        # with the same-site reload this page makes, so a signed-in responder lands on the page at once.
        return render(request, "continue.html", target=target)
    return RedirectResponse(sign_in_url(target), status_code=303)


def error_page(request: Request, title: str, detail: str, status: int) -> HTMLResponse:
    return render(request, "error.html", status=status, title=title, detail=detail)


def validation_detail(exc: RequestValidationError) -> str:
    errors = exc.errors()
    if not errors:
        return "invalid request"
    first = errors[0]
    loc = tuple(first.get("loc", ()))
    return f"{field_path(loc[1:] if len(loc) > 1 else loc)}: {first.get('msg')}"


class ConsoleRoute(APIRoute):
    """A console route: sign-in redirects, and HTML error pages where the API would answer problem+json."""

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInNeeded as exc:
                return sign_in_answer(request, exc)
            except FirebreakError as exc:
                return error_page(request, exc.title, exc.detail, status_of(exc))
            except RequestValidationError as exc:
                return error_page(request, "Invalid input", validation_detail(exc), 422)

        return page


def console_requirement(role: Role) -> Callable[..., Principal]:
    """The API's requirement for `role`, with "not signed in" turned into a trip to the sign-in page."""
    check_api = requirement(role)

    def check(request: Request, runtime: Annotated[Runtime, Depends(get_runtime)]) -> Principal:
        try:
            return check_api(request, runtime)
        except Unauthenticated as exc:
            had_session = bool(request.cookies.get(SESSION_COOKIE)) and request.headers.get("authorization") is None
            raise SignInNeeded(exc.detail if had_session else None) from exc

    check.__name__ = f"console_{role}"
    setattr(check, ACCESS_ATTRIBUTE, role)
    return check


def signed_in(request: Request, runtime: Runtime) -> Principal | None:
    """Who is signed in, if anyone (for pages open to all, such as sign-in itself)."""
    try:
        return authenticate_request(request, runtime)
    except (Unauthenticated, PermissionDenied):
        return None


console_viewer = console_requirement("viewer")
console_responder = console_requirement("responder")
PageViewer = Annotated[Principal, Depends(console_viewer)]
PageResponder = Annotated[Principal, Depends(console_responder)]
