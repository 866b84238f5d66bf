"""Shared CLI plumbing: printing, errors, talking to a server (light: no database layer).

The database side (`open_runtime`, `unit_of_work`, who is acting) is in `cli/database.py`, so a
command that talks to a server imports none of it.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, ParamSpec, TextIO, TypeVar

import httpx
import typer
from rich import box
from rich.console import Console
from rich.table import Table

from firebreak.kernel.errors import ConfigError, FirebreakError
from firebreak.kernel.redact import redact


class RedactingStream:
    """Standard output or error with secrets masked in everything written (looked up at each write,
    so captured streams in tests see the same)."""

    def __init__(self, name: str) -> None:
        self._name = name

    @property
    def _stream(self) -> TextIO:
        return getattr(sys, self._name)  # type: ignore[no-any-return]

    def write(self, text: str) -> int:
        return self._stream.write(redact(text))

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self._stream, attribute)


# Every line the CLI prints is redacted; highlighting is off so that no colour code splits a
# secret where redaction must see it whole. Credentials shown once on purpose use `reveal`.
console = Console(file=RedactingStream("stdout"), soft_wrap=True, highlight=False)  # type: ignore[arg-type]
err_console = Console(file=RedactingStream("stderr"), soft_wrap=True, highlight=False)  # type: ignore[arg-type]
ACT_AS_HEADER = "X-Firebreak-As"
AS_NAME = typer.Option(None, "--as", metavar="NAME",
                       help="Record the change as 'NAME (as set by you)'; admins only")
P = ParamSpec("P")
R = TypeVar("R")


def reveal(text: str) -> None:
    """Print a credential that is shown once on purpose (a new token, a first-start password)."""
    typer.echo(text)


def fail(message: str, code: int = 1) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, markup=True)
    return typer.Exit(code)


# What a command opened (a runtime's database pools and threads), closed when the command ends.
_closers: list[Callable[[], None]] = []


def close_at_end(closer: Callable[[], None]) -> None:
    """Run `closer` when the current command ends, however it ends."""
    _closers.append(closer)


def close_all() -> None:
    while _closers:
        _closers.pop()()


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Print Firebreak errors as one clear line and exit non-zero (no tracebacks); close what the command opened."""

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
        finally:
            close_all()

    return wrapper


def server_client(as_name: str | None = None) -> httpx.Client | None:
    """A client for a running server when FIREBREAK_SERVER is set (else the CLI uses the database).

    `as_name` (`--as`) asks the server to record the changes as "NAME (as set by ADMIN)"; the server
    refuses it unless the token is an admin's.
    """
    url = os.environ.get("FIREBREAK_SERVER")
    if not url:
        return None
    headers = {"Authorization": f"Bearer {os.environ.get('FIREBREAK_TOKEN', '')}"}
    if as_name is not None:
        headers[ACT_AS_HEADER] = as_name
    return httpx.Client(base_url=url.rstrip("/"), headers=headers, timeout=30)


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


def readable_table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, keep: Sequence[str] = ()) -> Table:
    """A table that stays readable at 80 columns: `keep` columns (ids, slugs, names a later command
    needs) are never cut or wrapped; the other columns wrap instead."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for index, header in enumerate(headers):
        if header in keep:
            widest = max([len(header), *(len(row[index]) for row in rows)])
            table.add_column(header, no_wrap=True, min_width=widest)
        else:
            table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*row)
    return table
