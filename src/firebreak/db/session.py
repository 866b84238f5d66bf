"""Engines and sessions; the edge that owns a transaction opens a session here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from firebreak.kernel.files import private_file

T = TypeVar("T")
READ_ONLY = "firebreak_read_only"


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL (None for other databases and in-memory SQLite)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    if parsed.database.startswith("file:") or parsed.query.get("mode") == "memory":
        return None
    return Path(parsed.database)


def prepare_sqlite(url: str) -> None:
    """Create a SQLite database's folder (0700) and file (0600) owner-only before SQLite opens it.

    SQLite gives its -wal and -shm files the mode of the database file, so they follow.
    """
    path = sqlite_file(url)
    if path is not None:
        private_file(path)


def make_engine(url: str, **kwargs: object) -> Engine:
    """Create an engine; SQLite gets an owner-only file, WAL, a busy timeout and foreign keys."""
    if url.startswith("sqlite"):
        prepare_sqlite(url)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            # Take transactions into our own hands: the driver would otherwise start them only
            # at the first write, after reads made outside any transaction (lost updates).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):  # type: ignore[no-untyped-def]
            # One writer at a time, decided up front: SQLite's equivalent of row locks.
            # Sessions made by `make_read_session_factory` only read, so they take no write lock.
            if conn.get_execution_options().get(READ_ONLY):
                conn.exec_driver_sql("BEGIN")
            else:
                conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def make_read_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for reads (authentication, listings): on SQLite they never wait for the writer."""
    return sessionmaker(engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory whose sessions never expire objects on commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def per_transaction(session: Session, key: str, load: Callable[[], T]) -> T:
    """A value computed once per transaction of `session` (e.g. silences read for a batch)."""
    marker = session.get_transaction()
    cached = session.info.get(key)
    if cached is not None and cached[0] is marker and marker is not None:
        return cached[1]  # type: ignore[no-any-return]
    value = load()
    session.info[key] = (marker, value)
    return value
