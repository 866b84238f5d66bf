"""The one place that maps Firebreak errors to HTTP status codes, as RFC 9457 problem+json."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from firebreak.ingest.validation import field_path
from firebreak.kernel import errors
from firebreak.kernel.redact import redact_value

PROBLEM = "application/problem+json"
STATUS: list[tuple[type[errors.FirebreakError], int]] = [
    (errors.PayloadTooLarge, 413),
    (errors.MalformedBody, 400),
    (errors.InvalidInput, 422),
    (errors.NotFound, 404),
    (errors.Conflict, 409),
    (errors.Unauthenticated, 401),
    (errors.PermissionDenied, 403),
    (errors.TryLater, 503),
    (errors.RateLimited, 429),
    (errors.ConfigError, 422),
]


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    """A problem+json response."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    body.update({k: v for k, v in extra.items() if v is not None})
    # Error messages may quote what the caller sent; secrets never travel back out in them.
    body = redact_value(body)
    headers = {}
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if "retry_after" in extra:
        headers["Retry-After"] = str(extra["retry_after"])
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def status_of(exc: errors.FirebreakError) -> int:
    for cls, code in STATUS:
        if isinstance(exc, cls):
            return code
    return 400


def firebreak_problem(exc: errors.FirebreakError) -> JSONResponse:
    """Render any Firebreak error."""
    extra: dict[str, Any] = {}
    if isinstance(exc, errors.InvalidInput):
        extra["field"] = exc.field
    if isinstance(exc, errors.Conflict):
        extra["allowed"] = exc.allowed
    if isinstance(exc, errors.RateLimited):
        extra["retry_after"] = exc.retry_after
    if isinstance(exc, errors.ConfigError):
        extra.update(file=exc.file, line=exc.line, field=exc.field)
    return problem(status_of(exc), exc.title, exc.detail, **extra)


def install(app: FastAPI) -> None:
    """Register the exception handlers."""

    @app.exception_handler(errors.FirebreakError)
    async def _firebreak(_request: Request, exc: errors.FirebreakError) -> JSONResponse:
        return firebreak_problem(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errs = exc.errors()
        first = errs[0] if errs else {"loc": ("body",), "msg": "invalid request"}
        loc = tuple(first.get("loc", ()))
        path = field_path(loc[1:] if len(loc) > 1 else loc)
        if first.get("type") == "json_invalid":
            return problem(400, "Malformed JSON", f"the body is not valid JSON: {first.get('msg')}",
                           field="body")
        return problem(422, "Invalid input", f"{path}: {first.get('msg')}", field=path,
                       errors=[{"field": field_path(tuple(e.get("loc", ()))[1:] or ("body",)),
                                "message": e.get("msg")} for e in errs[:20]])

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        titles = {404: "Not found", 405: "Method not allowed", 413: "Payload too large"}
        return problem(exc.status_code, titles.get(exc.status_code, "HTTP error"), str(exc.detail))
