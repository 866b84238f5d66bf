"""The data folder, the SQLite database (with its -wal and -shm files) and the acknowledge-link key
are created owner-only, whatever the process's umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from firebreak.db.migrate import upgrade
from firebreak.db.session import make_engine, sqlite_file
from firebreak.escalate.escalator import KEY_FILE_NAME, signing_secret
from firebreak.kernel.files import private_dir, private_file
from firebreak.kernel.settings import Settings


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(params=[0o022, 0o000], ids=["umask-022", "umask-000"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    previous = os.umask(request.param)
    yield request.param
    os.umask(previous)


def test_sqlite_database_its_journal_files_and_folder_are_owner_only(tmp_path: Path, umask: int) -> None:
    data = tmp_path / "fresh" / "data"
    settings = Settings(data_dir=data)
    url = settings.resolved_database_url()
    upgrade(url)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE probe (x INTEGER)"))
            conn.execute(text("INSERT INTO probe VALUES (1)"))
        with engine.connect() as conn:  # the -wal and -shm files exist while a connection is open
            conn.execute(text("SELECT x FROM probe")).all()
            database = data / "firebreak.db"
            journal = [Path(f"{database}-wal"), Path(f"{database}-shm")]
            assert all(p.exists() for p in journal)
            assert {str(p): oct(mode(p)) for p in (database, *journal)} == {
                str(p): oct(0o600) for p in (database, *journal)}
    finally:
        engine.dispose()
    assert mode(data) == 0o700
    assert mode(data.parent) == 0o700  # a missing parent is created owner-only too


def test_acknowledge_link_key_is_owner_only(tmp_path: Path, umask: int) -> None:
    data = tmp_path / "keys"
    key = signing_secret(Settings(data_dir=data))
    assert mode(data) == 0o700
    assert mode(data / KEY_FILE_NAME) == 0o600
    assert signing_secret(Settings(data_dir=data)) == key


def test_existing_folders_and_files_keep_their_mode(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    private_dir(shared)
    assert mode(shared) == 0o755
    existing = shared / "db.sqlite"
    existing.write_bytes(b"")
    existing.chmod(0o640)
    assert private_file(existing) is False
    assert mode(existing) == 0o640


def test_only_sqlite_files_are_prepared() -> None:
    assert sqlite_file("sqlite:////var/lib/firebreak/f.db") == Path("/var/lib/firebreak/f.db")
    assert sqlite_file("sqlite+pysqlite:///rel/f.db") == Path("rel/f.db")
    assert sqlite_file("sqlite://") is None
    assert sqlite_file("sqlite:///:memory:") is None
    assert sqlite_file("postgresql+psycopg://u@h/db") is None
