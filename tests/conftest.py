"""Shared fixtures: every storage test runs on SQLite and on PostgreSQL (never skipped)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from firebreak.config.loader import default_config_path, load_config
from firebreak.config.models import Config
from firebreak.db.base import Base
from firebreak.db.migrate import upgrade
from firebreak.http.app import create_app
from firebreak.kernel.clock import FixedClock
from firebreak.kernel.settings import Settings
from firebreak.runtime import Runtime
from firebreak.security.bootstrap import bootstrap
from firebreak.security.tokens import create_token

PG_ADMIN_URL = os.environ.get("FIREBREAK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
START = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def worker_id() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A migrated PostgreSQL database for this test worker (PostgreSQL must be up).

    Several test runs may share the server at once, so the name carries the process id and the
    database is dropped when the run ends.
    """
    name = f"firebreak_test_{worker_id()}_{os.getpid()}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"
    upgrade(url)
    yield url
    engine = _engines.pop(url, None)
    if engine is not None:
        engine.dispose()
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file copied for each test."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


_engines: dict[str, Engine] = {}


def truncate_all(url: str) -> None:
    engine = _engines.setdefault(url, create_engine(url, poolclass=NullPool))
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(scope="session")
def example_config() -> Config:
    """The bundled example configuration, parsed once."""
    return load_config(default_config_path())


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, migrated, empty database of each kind."""
    if request.param == "sqlite":
        target = tmp_path / "firebreak.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), target)
        return f"sqlite:///{target}"
    url: str = request.getfixturevalue("pg_database")
    truncate_all(url)
    return url


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=db_url, data_dir=tmp_path, run_worker=False)


@pytest.fixture
def runtime(settings: Settings, clock: FixedClock, example_config: Config) -> Iterator[Runtime]:
    rt = Runtime(settings, clock=clock, initial_config=example_config)
    yield rt
    rt.close()


@pytest.fixture
def session(runtime: Runtime) -> Iterator[Session]:
    with runtime.session_factory() as s:
        yield s


@pytest.fixture
def credentials(runtime: Runtime) -> dict[str, str]:
    """One secret per role: admin, responder, viewer, ingest (and a second responder)."""
    with runtime.session_factory.begin() as s:
        first = bootstrap(s, now=runtime.clock.now())
        assert first is not None
        out = {"admin": first.admin_token, "ingest": first.ingest_key}
        for role in ("responder", "viewer"):
            out[role] = create_token(s, name=f"test-{role}", role=role, now=runtime.clock.now()).secret
        out["responder2"] = create_token(s, name="test-responder2", role="responder",
                                         now=runtime.clock.now()).secret
    return out


@pytest.fixture
def app(runtime: Runtime):  # type: ignore[no-untyped-def]
    return create_app(runtime, background=False)


def auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def anon_client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def client(app, credentials: dict[str, str]) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """A client carrying the admin token."""
    with TestClient(app, raise_server_exceptions=False, headers=auth(credentials["admin"])) as c:
        yield c


@pytest.fixture
def ingest_client(app, credentials: dict[str, str]) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """A client carrying the default ingest key."""
    with TestClient(app, raise_server_exceptions=False, headers=auth(credentials["ingest"])) as c:
        yield c
