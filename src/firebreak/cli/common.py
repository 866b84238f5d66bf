"""Shared CLI plumbing: opening the runtime, printing errors, talking to a server."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

import httpx
import typer
from rich.console import Console
from sqlalchemy.orm import Session

from firebreak.db.migrate import upgrade
from firebreak.db.session import transaction
from firebreak.kernel.errors import ConfigError, FirebreakError
from firebreak.kernel.settings import Settings
from firebreak.runtime import Runtime

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)
P = ParamSpec("P")
R = TypeVar("R")


def fail(message: str, code: int = 1) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, markup=True)
    return typer.Exit(code)


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Print Firebreak errors as one clear line and exit non-zero (no tracebacks)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except ConfigError as exc:
            where = ":".join(str(x) for x in (exc.file, exc.line) if x is not None)
            prefix = f"{where}: " if where and not exc.detail.startswith(where) else ""
            raise fail(f"{prefix}{exc.detail}", 2) from exc
        except FirebreakError as exc:
            raise fail(exc.detail) from exc
        except httpx.HTTPError as exc:
            raise fail(f"cannot reach the Firebreak server: {exc}") from exc

    return wrapper


def open_runtime(*, migrate: bool = True) -> Runtime:
    """The runtime for a CLI command, on the configured database (migrated unless told not to)."""
    settings = Settings()
    if migrate:
        upgrade(settings.resolved_database_url())
    return Runtime(settings)


@contextmanager
def unit_of_work(runtime: Runtime) -> Iterator[Session]:
    """The CLI command owns the transaction."""
    with transaction(runtime.session_factory) as session:
        yield session


def server_client() -> httpx.Client | None:
    """A client for a running server when FIREBREAK_SERVER is set (else the CLI uses the database)."""
    url = os.environ.get("FIREBREAK_SERVER")
    if not url:
        return None
    token = os.environ.get("FIREBREAK_TOKEN", "")
    return httpx.Client(base_url=url.rstrip("/"), headers={"Authorization": f"Bearer {token}"}, timeout=30)


def check_response(response: httpx.Response) -> Any:
    """Raise a readable error for a problem+json answer; return the JSON body otherwise."""
    if response.status_code >= 400:
        try:
            body = response.json()
            detail = body.get("detail") or body
        except ValueError:
            detail = response.text
        raise FirebreakError(f"server answered {response.status_code}: {detail}")
    return response.json()
