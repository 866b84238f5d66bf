"""Migrations on both databases: head matches the models, and every downgrade works back to empty and up again."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool

import firebreak.db.models  # noqa: F401  (completes the metadata)
from firebreak.db.base import Base
from firebreak.db.migrate import alembic_config, upgrade
from tests.conftest import PG_ADMIN_URL, worker_id


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each kind, only for this test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    name = f"firebreak_migrations_{worker_id()}_{os.getpid()}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def differences(url: str) -> list[object]:
    """What autogenerate would change to make the database match the models (tables and columns)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        engine.dispose()
    return [d for d in diff if isinstance(d, tuple) and d[0] in ("add_table", "remove_table", "add_column",
                                                                   "remove_column")]


def tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_head_matches_the_models_and_downgrades_all_the_way(empty_url: str) -> None:
    upgrade(empty_url)
    assert differences(empty_url) == []
    assert {"reviews", "review_versions", "key_events"} <= tables(empty_url)
    command.downgrade(alembic_config(empty_url), "base")
    assert tables(empty_url) == set()
    upgrade(empty_url)
    assert differences(empty_url) == []


def test_declare_and_merge_columns_come_and_go_keeping_incidents(empty_url: str) -> None:
    upgrade(empty_url, "0014")
    engine = create_engine(empty_url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO incidents (title, status, group_key, created_at, updated_at, alert_count, firing_count,"
                " timeline_count, timeline_head) VALUES ('kept', 'triggered', 'g', CURRENT_TIMESTAMP,"
                " CURRENT_TIMESTAMP, 0, 0, 0, '')"))
        upgrade(empty_url, "0015")
        columns = {column["name"] for column in inspect(engine).get_columns("incidents")}
        assert {"description", "services", "merged_into"} <= columns
        assert "merged_groups" in inspect(engine).get_table_names()
        command.downgrade(alembic_config(empty_url), "0014")
        assert "merged_groups" not in inspect(engine).get_table_names()
        assert "merged_into" not in {c["name"] for c in inspect(engine).get_columns("incidents")}
        upgrade(empty_url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT title FROM incidents")).scalar_one() == "kept"
    finally:
        engine.dispose()
