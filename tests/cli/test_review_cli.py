"""`firebreak review` on the database: edit in $EDITOR, complete, versions, export, key events."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from firebreak.cli.main import app


@pytest.fixture
def cli(db_url, monkeypatch, tmp_path) -> CliRunner:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FIREBREAK_DATABASE_URL", db_url)
    monkeypatch.setenv("FIREBREAK_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("FIREBREAK_SERVER", raising=False)
    monkeypatch.delenv("FIREBREAK_TOKEN", raising=False)
    return CliRunner()


def run(cli: CliRunner, *args: str, code: int = 0) -> str:
    result = cli.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


def editor(tmp_path: Path, script: str) -> str:
    """An $EDITOR that runs `script` (Python, the file's path in `path`) on the file it is given."""
    program = tmp_path / "editor.py"
    program.write_text("import sys, pathlib\npath = pathlib.Path(sys.argv[1])\n" + script)
    return f"{sys.executable} {program}"


@pytest.fixture
def resolved(cli) -> str:  # type: ignore[no-untyped-def]
    run(cli, "alert", "fire", "--summary", "Disk 91% full", "--label", "alertname=DiskFull",
        "--label", "service=api-gateway", "--severity", "critical")
    run(cli, "incident", "ack", "1")
    run(cli, "incident", "resolve", "1", "--reason", "old logs removed")
    return "1"


def test_edit_in_the_editor_becomes_a_version(cli, resolved, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("EDITOR", editor(tmp_path, (
        "text = path.read_text()\n"
        "text = text.replace('## Root cause\\n', '## Root cause\\n\\nLog rotation was switched off.\\n')\n"
        "path.write_text(text)\n")))
    assert "saved as version 2 (draft)" in run(cli, "review", "edit", resolved)
    shown = run(cli, "review", "show", resolved)
    assert "## Root cause\n\nLog rotation was switched off." in shown and "prompt:" not in shown
    assert "review of incident 1 is complete" in run(cli, "review", "complete", resolved)
    run(cli, "incident", "transition", resolved, "closed")
    words = set(run(cli, "review", "versions", resolved).split())
    assert {"1", "2", "3", "draft", "complete", "drafted", "root_cause", "marked"} <= words


def test_an_editor_that_breaks_the_headings_is_told_where(cli, resolved, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("EDITOR", editor(tmp_path, "path.write_text('stray words\\n## Summary\\nx\\n')\n"))
    refused = run(cli, "review", "edit", resolved, code=1)
    assert "review of incident 1:1: text before the first section heading" in refused
    assert "2" not in run(cli, "review", "versions", resolved).split()


def test_closing_without_a_review_says_cls1(cli, resolved) -> None:  # type: ignore[no-untyped-def]
    refused = run(cli, "incident", "transition", resolved, "closed", code=1)
    assert "CLS-1" in refused and "review still in draft" in refused


def test_export_and_key_events(cli, resolved, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert "marked as a key event" in run(cli, "review", "mark", resolved, "1", "--label", "Disk filled up")
    out = tmp_path / "review.html"
    run(cli, "review", "export", resolved, "--format", "html", "-o", str(out))
    html = out.read_text()
    assert "Disk filled up" in html and html.startswith("<!doctype html>")
    run(cli, "review", "mark", resolved, "1", "--clear")
    assert "Disk filled up" not in run(cli, "review", "export", resolved)
    assert "must be markdown or html" in run(cli, "review", "export", resolved, "--format", "pdf", code=2)
