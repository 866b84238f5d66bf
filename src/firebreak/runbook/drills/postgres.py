"""Drills: PostgreSQL connection exhaustion — idle sessions of a dedicated role fill its connection limit.

A role `firebreak_drill_<random>` is created with `CONNECTION LIMIT n` and n idle sessions are
opened as that role, so its next connection is refused — the same failure an application with a
leaking pool sees — while nothing else on the server is touched. Clean-up terminates the role's
sessions and drops the role.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Mapping

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from firebreak.runbook.drills.fault import Observation

DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
DSN_VARIABLE = "FIREBREAK_DRILL_PG_DSN"


class PostgresConnectionExhaustion:
    """The fault behind the `postgres-connection-exhaustion` drill."""

    service = "drill-postgres"
    alert_name = "PostgresConnectionsExhausted"

    def __init__(self, admin_dsn: str = DEFAULT_DSN, *, limit: int = 3) -> None:
        self.admin_dsn = admin_dsn
        self.limit = limit
        self.role = f"firebreak_drill_{secrets.token_hex(4)}"
        self.role_dsn = make_conninfo(admin_dsn, user=self.role, connect_timeout=5,
                                      application_name="firebreak-drill-client")
        self.held: list[psycopg.Connection[object]] = []
        self.created = False

    def start(self) -> None:
        with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN CONNECTION LIMIT {}").format(
                sql.Identifier(self.role), sql.Literal(self.limit)))
        self.created = True
        for _ in range(self.limit):
            self.held.append(psycopg.connect(self.role_dsn, autocommit=True))

    def observe(self) -> Observation:
        try:
            with psycopg.connect(self.role_dsn) as conn:
                in_use = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE usename = current_user").fetchone()
        except psycopg.OperationalError as exc:
            first = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            return Observation(True, f"role {self.role} cannot connect: {first}")
        count = in_use[0] if in_use else 0
        return Observation(False, f"role {self.role} connects ({count} of {self.limit} connections in use)")

    def alert_labels(self) -> Mapping[str, str]:
        return {"role": self.role, "limit": str(self.limit)}

    def target(self) -> Mapping[str, str]:
        return {"name": "drill-db", "kind": "postgres", "dsn": f"env:{DSN_VARIABLE}"}

    def label_placeholders(self) -> list[str]:
        return ["role"]

    def environment(self) -> Mapping[str, str]:
        return {DSN_VARIABLE: self.admin_dsn}

    def stop(self) -> None:
        for conn in self.held:
            with contextlib.suppress(psycopg.Error):
                conn.close()
        self.held = []
        if not self.created:
            return
        with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (self.role,))
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(self.role)))
        self.created = False
