"""Wires the security edge into the app: middleware order, guarded API docs, OpenAPI auth and errors.

Middleware, outermost first: access log → security headers → request id and last-resort 500 → audit →
timeout → input guard (body size cap, NUL characters) → the application.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.routing import APIRoute
from starlette.routing import Route

from firebreak.http.access_log import AccessLogMiddleware
from firebreak.http.audit import AuditMiddleware
from firebreak.http.console.pages import render
from firebreak.http.deps import SESSION_COOKIE, endpoints, require_viewer
from firebreak.http.headers import SecurityHeadersMiddleware
from firebreak.http.input_guard import InputGuardMiddleware
from firebreak.http.problems import PROBLEM
from firebreak.http.request_context import RequestContextMiddleware
from firebreak.http.timeout import TimeoutMiddleware
from firebreak.runtime import Runtime
from firebreak.security.guards import Guards
from firebreak.security.logfilter import install_log_redaction

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "description": "An RFC 9457 problem: what went wrong and, for bad input, which field.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "field": {"type": ["string", "null"]},
        "allowed": {"type": "array", "items": {"type": "string"}},
        "retry_after": {"type": "integer"},
        "errors": {"type": "array", "items": {}},
    },
    "additionalProperties": True,
}
SECURITY_SCHEMES = {
    "bearerAuth": {"type": "http", "scheme": "bearer", "description": "An API token or ingest key"},
    "sessionCookie": {"type": "apiKey", "in": "cookie", "name": SESSION_COOKIE,
                      "description": "Console session (changes also need the X-CSRF-Token header)"},
}
ERRORS = {
    400: "Malformed request", 401: "No valid token or session", 403: "The caller's role does not allow this",
    404: "Not found", 405: "Method not allowed", 409: "Conflicts with the current state",
    413: "Body too large", 422: "Invalid input", 429: "Rate limited; see Retry-After",
    500: "Unexpected server error", 503: "Timed out; nothing was committed",
}
BODY_METHODS = frozenset({"post", "put", "patch"})


def problem_response(description: str, *, html: bool = False) -> dict[str, Any]:
    """An error answer: problem+json, or also an HTML page for routes that serve pages."""
    content: dict[str, Any] = {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    if html:
        content["text/html"] = {"schema": {"type": "string"}}
    return {"description": description, "content": content}


def serves_html(operation: dict[str, Any]) -> bool:
    return any("text/html" in (answer.get("content") or {}) for answer in operation["responses"].values())


def describe_errors(schema: dict[str, Any], app: FastAPI) -> None:
    """Declare each operation's authentication and its problem+json error answers."""
    access = {(e.path, e.method.lower()): e.access for e in endpoints(app.routes)}
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    components.setdefault("securitySchemes", {}).update(SECURITY_SCHEMES)
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            level = access.get((path, method))
            # Lookups by query parameter can miss too, so 404 goes everywhere.
            codes = {400, 404, 405, 500, 503}
            if level != "public":
                operation.setdefault("security", [{"bearerAuth": []}, {"sessionCookie": []}])
                codes |= {401, 403}
            if method != "get":
                codes |= {409}
            if method in BODY_METHODS:
                codes |= {413}
            if level in ("ingest", "public") or method != "get":
                codes |= {429}
            codes |= {422}
            responses = operation["responses"]
            html = serves_html(operation)
            for code in sorted(codes):
                existing = responses.get(str(code))
                if existing is None or "HTTPValidationError" in str(existing.get("content", "")):
                    responses[str(code)] = problem_response(
                        existing.get("description", ERRORS[code]) if existing else ERRORS[code], html=html)
                elif "content" not in existing:
                    existing["content"] = problem_response(ERRORS[code], html=html)["content"]


def install_openapi(app: FastAPI) -> None:
    """Generate the OpenAPI document lazily, with auth and errors described, for all routes present."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            describe_errors(generate(), app)
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]


def guard_docs(app: FastAPI) -> None:
    """The OpenAPI document and its viewers need a token or a console session like the rest.

    The viewers are Swagger UI and ReDoc from the vendored files under `/static/`: they work offline and
    under the same CSP as every page (their scripts are files of this site, none inline).
    """
    builtin = {app.openapi_url, app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url} - {None}
    app.router.routes[:] = [r for r in app.router.routes
                            if isinstance(r, APIRoute) or not (isinstance(r, Route) and r.path in builtin)]
    viewer = [Depends(require_viewer)]
    openapi_url = app.openapi_url or "/openapi.json"

    def openapi_document() -> JSONResponse:
        return JSONResponse(app.openapi())

    def swagger(request: Request) -> HTMLResponse:
        return render(request, "docs/swagger.html", openapi_url=openapi_url, title=f"{app.title} API")

    def redoc(request: Request) -> HTMLResponse:
        return render(request, "docs/redoc.html", openapi_url=openapi_url, title=f"{app.title} API")

    app.add_api_route(openapi_url, openapi_document, include_in_schema=False, dependencies=viewer)
    if app.docs_url:
        app.add_api_route(app.docs_url, swagger, include_in_schema=False, dependencies=viewer)
    if app.redoc_url:
        app.add_api_route(app.redoc_url, redoc, include_in_schema=False, dependencies=viewer)


def install_security(app: FastAPI, runtime: Runtime) -> None:
    """Guards, middleware, guarded docs and log redaction for one app."""
    settings = runtime.settings
    app.state.guards = Guards.from_settings(settings)
    guard_docs(app)
    install_openapi(app)
    install_log_redaction()
    # Each addition wraps the ones before it: add innermost first.
    app.add_middleware(InputGuardMiddleware, limit=settings.max_body_bytes)
    app.add_middleware(TimeoutMiddleware, seconds=settings.request_timeout_seconds)
    app.add_middleware(AuditMiddleware, runtime=runtime)
    app.add_middleware(RequestContextMiddleware)
    app.add_middleware(SecurityHeadersMiddleware, https=settings.public_url.startswith("https://"))
    app.add_middleware(AccessLogMiddleware)
