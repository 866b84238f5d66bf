"""The CLI on the database directly: the runtime, the transaction a command owns, and who is acting.

Who a command acts as, in database mode:

- with `FIREBREAK_TOKEN` set, the token's name and role (checked against the database like the
  server checks it: unknown, revoked and expired tokens are refused);
- otherwise the operating-system user running the command, with the role of the console user of
  the same name if there is one (else responder: reaching the database is already that much trust).

Every change is written to the audit log in the command's own transaction, under that identity.
`--as NAME` is for admins only and is recorded as "NAME (as set by ADMIN)"; a refused attempt is
recorded too.
"""

from __future__ import annotations

import getpass
import os
import socket
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from firebreak.cli.common import close_at_end
from firebreak.db.migrate import upgrade
from firebreak.db.session import transaction
from firebreak.kernel.errors import FirebreakError, NotFound, PermissionDenied, Unauthenticated
from firebreak.kernel.redact import redact_value
from firebreak.kernel.settings import Settings
from firebreak.runtime import Runtime
from firebreak.security import audit, tokens, users
from firebreak.security.roles import HUMAN_ROLES, Principal, Role, acting_as

CLI_METHOD = "CLI"


def open_runtime(*, migrate: bool = True) -> Runtime:
    """The runtime for a CLI command, on the configured database (migrated unless told not to)."""
    settings = Settings()
    if migrate:
        upgrade(settings.resolved_database_url())
    runtime = Runtime(settings)
    close_at_end(runtime.close)
    return runtime


@contextmanager
def unit_of_work(runtime: Runtime) -> Iterator[Session]:
    """The CLI command owns the transaction."""
    with transaction(runtime.session_factory) as session:
        yield session


def os_user() -> str:
    """The login name of the user running the command."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return f"uid:{os.getuid()}"


def identify(session: Session, *, environ: Mapping[str, str], now: datetime) -> Principal:
    """Who runs this command (see the module docstring)."""
    secret = environ.get("FIREBREAK_TOKEN", "").strip()
    if secret:
        return tokens.authenticate(session, secret=secret, now=now)
    name = os_user()
    role: Role = "responder"
    try:
        user = users.get_user(session, name=name)
    except NotFound:
        user = None
    if user is not None and user.disabled_at is None and user.role in HUMAN_ROLES:
        role = user.role  # type: ignore[assignment]
    return Principal(name=name, role=role, via="os-user")


@dataclass(frozen=True, slots=True)
class Change:
    """A state-changing command in progress: its session and the name it records changes under."""

    session: Session
    principal: Principal
    now: datetime

    @property
    def actor(self) -> str:
        return self.principal.name


def audit_event(principal: Principal, *, action: str, target: Mapping[str, object], now: datetime,
                status: int, detail: str | None = None) -> audit.AuditEvent:
    """The audit entry of a CLI command (status as the same request would get over HTTP)."""
    return audit.AuditEvent(
        at=now, actor=principal.name[:255], role=principal.role, via=f"cli-{principal.via}"[:16],
        method=CLI_METHOD, path=f"firebreak {action}", action=f"{CLI_METHOD} {action}"[:255], status=status,
        request_id=uuid.uuid4().hex, client=socket.gethostname()[:255],
        target=redact_value({str(k): str(v) for k, v in target.items()}), detail=detail)


def refusal_status(exc: FirebreakError) -> int:
    """The status a refused change is recorded with: 403 for who, 422 for what."""
    return 403 if isinstance(exc, PermissionDenied | Unauthenticated) else 422


@contextmanager
def change(runtime: Runtime, *, action: str, target: Mapping[str, object] | None = None,
           as_name: str | None = None, environ: Mapping[str, str] | None = None) -> Iterator[Change]:
    """One state-changing command: identify the caller, apply `--as`, audit the change with it."""
    env = os.environ if environ is None else environ
    where = dict(target or {})
    now = runtime.clock.now()
    with unit_of_work(runtime) as session:
        principal = identify(session, environ=env, now=now)
    if as_name is not None:
        try:
            principal = acting_as(principal, as_name)
        except FirebreakError as exc:
            with unit_of_work(runtime) as session:
                audit.append(session, audit_event(principal, action=action, target=where, now=now,
                                                  status=refusal_status(exc), detail=exc.detail))
            raise
    try:
        with unit_of_work(runtime) as session:
            yield Change(session=session, principal=principal, now=now)
            audit.append(session, audit_event(principal, action=action, target=where, now=now, status=200))
    except FirebreakError as exc:
        # The change rolled back; the refusal is still on record, as for a refused request.
        with unit_of_work(runtime) as session:
            audit.append(session, audit_event(principal, action=action, target=where, now=now,
                                              status=refusal_status(exc), detail=exc.detail))
        raise
