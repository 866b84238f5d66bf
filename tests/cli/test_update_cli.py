"""`firebreak incident update`: $EDITOR on the draft, --message, --public; the next update due in `incident show`."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from firebreak.cli.main import app
from firebreak.kernel.clock import SystemClock
from firebreak.runtime import Runtime
from tests.cli.conftest import run
from tests.support.live import live_server


def editor(tmp_path: Path, script: str) -> str:
    """An $EDITOR that is a real program editing the file it is given."""
    path = tmp_path / "editor.py"
    path.write_text(f"import sys, pathlib\np = pathlib.Path(sys.argv[1])\n{script}\n", encoding="utf-8")
    return f'"{sys.executable}" "{path}"'


def fire(cli: CliRunner) -> None:
    assert "opened: incident 1" in run(cli, "alert", "fire", "--summary", "API errors elevated", "--label",
                                       "alertname=HighErrorRate", "--label", "service=api-gateway",
                                       "--severity", "critical")


def test_the_editor_opens_on_the_draft_and_what_is_saved_is_posted(cli: CliRunner, runtime: Runtime,
                                                                    tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    fire(cli)
    assert "next update due 20" in run(cli, "incident", "show", "1")
    seen = tmp_path / "seen.txt"
    monkeypatch.setenv("EDITOR", editor(tmp_path, f"pathlib.Path({str(seen)!r}).write_text(p.read_text())\n"
                                                  "p.write_text(p.read_text().replace('being assessed', "
                                                  "'Elevated error rate on API (15%)'))"))
    monkeypatch.delenv("VISUAL", raising=False)
    out = run(cli, "incident", "update", "1")
    assert "posted internal update 1 (initial) on incident 1; next update due" in out
    assert seen.read_text().startswith("[INCIDENT] SEV1 - ")  # the editor got the draft
    updates = run(cli, "incident", "timeline", "1")
    assert "update.posted" in updates and "Elevated error rate on API (15%)" in updates


def test_message_and_public_updates_without_an_editor(cli: CliRunner, monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    fire(cli)
    monkeypatch.setenv("EDITOR", editor(tmp_path, "raise SystemExit('the editor must not open')"))
    out = run(cli, "incident", "update", "1", "--message", "Rolled back the 14:20 deploy; error rate falling.")
    assert "posted internal update 1 (initial)" in out
    out = run(cli, "incident", "update", "1", "--public", "--status", "identified", "--message",
              "We have identified the cause of elevated API errors.", "--next-update", "30m")
    assert "posted public update 2 (status_page)" in out
    shown = run(cli, "incident", "show", "1")
    assert "next update due" in shown and "(every 15m)" in shown and "chat channel #incident-" in shown
    result = cli.invoke(app, ["incident", "update", "1", "--public", "--status", "mitigating", "--message", "x"])
    assert result.exit_code == 1 and "investigating, identified, monitoring, resolved" in result.output
    result = cli.invoke(app, ["incident", "update", "1", "--title", "t" * 300, "--message", "x"])
    assert result.exit_code == 1 and "title" in result.output and "Traceback" not in result.output


def test_an_unsaved_draft_posts_nothing(cli: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fire(cli)
    monkeypatch.setenv("EDITOR", editor(tmp_path, "pass"))  # leaves the file as it was: not saved
    result = cli.invoke(app, ["incident", "update", "1"])
    assert result.exit_code == 1 and "no update posted" in result.output


def test_update_against_a_running_server(cli: CliRunner, settings, credentials: dict[str, str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    rt = Runtime(settings, clock=SystemClock())
    try:
        with live_server(rt) as url:
            monkeypatch.setenv("FIREBREAK_SERVER", url)
            monkeypatch.setenv("FIREBREAK_TOKEN", credentials["ingest"])
            fire(cli)
            monkeypatch.setenv("FIREBREAK_TOKEN", credentials["responder"])
            assert "posted internal update 1" in run(cli, "incident", "update", "1", "-m", "Investigating.")
            assert "next update due" in run(cli, "incident", "show", "1")
            monkeypatch.setenv("FIREBREAK_TOKEN", credentials["viewer"])
            result = cli.invoke(app, ["incident", "update", "1", "-m", "nope"])
            assert result.exit_code == 1 and "403" in result.output
    finally:
        rt.close()
