"""CLI fixtures: a runner pointed at the test database, never at a server."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from firebreak.cli.main import app


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    monkeypatch.setenv("FIREBREAK_DATABASE_URL", db_url)
    monkeypatch.setenv("FIREBREAK_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("FIREBREAK_SERVER", raising=False)
    return CliRunner()


def run(cli: CliRunner, *args: str) -> str:
    """Run a command that must succeed; its output."""
    result = cli.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output
