"""The CLI a person would use: quick help, --version, incident severity/role/note/timeline, readable tables."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from firebreak import __version__
from firebreak.cli.lazy import load, to_command
from firebreak.cli.main import COMMANDS, app
from firebreak.kernel.clock import SystemClock
from firebreak.runtime import Runtime
from tests.runbook.corpus import SEEDS
from tests.support.live import live_server

# Modules that take seconds to import; `--help` and server-mode listing need none of them.
HEAVY = ("fastapi", "uvicorn", "alembic", "sqlalchemy", "apprise", "tree_sitter", "firebreak.http",
         "firebreak.db", "firebreak.runtime", "firebreak.runbook", "firebreak.flows")
PROBE = """
import json, sys
args, families = json.loads(sys.argv[1]), {h.split(".")[0] for h in json.loads(sys.argv[2])}
sys.argv = ["firebreak", *args]
from firebreak.cli.main import main
try:
    main()
except SystemExit:
    pass
loaded = sorted(m for m in sys.modules if m.split(".")[0] in families)
print("\\nLOADED " + json.dumps(loaded))
"""


def loaded_modules(args: list[str], env: dict[str, str] | None = None) -> tuple[str, list[str]]:
    """Run `firebreak ARGS` in a fresh interpreter; its output and the heavy-family modules it imported."""
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args), json.dumps(HEAVY)], capture_output=True,
                          text=True, env=env, timeout=120, check=False)
    out, _, tail = done.stdout.rpartition("\nLOADED ")
    assert tail, done.stderr
    return out, json.loads(tail)


def heavy(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)]


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    monkeypatch.setenv("FIREBREAK_DATABASE_URL", db_url)
    monkeypatch.setenv("FIREBREAK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.delenv("FIREBREAK_SERVER", raising=False)
    monkeypatch.delenv("FIREBREAK_TOKEN", raising=False)
    return CliRunner()


def run(cli: CliRunner, *args: str, code: int = 0) -> str:
    result = cli.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


def test_help_imports_no_command_module() -> None:
    out, modules = loaded_modules(["--help"])
    assert "incident" in out and "runbook" in out
    assert heavy(modules) == []


def test_version() -> None:
    out, modules = loaded_modules(["--version"])
    assert out.strip() == f"firebreak {__version__}"
    assert heavy(modules) == []


def test_every_listed_command_has_the_help_its_module_gives() -> None:
    for name, entry in COMMANDS.items():
        command = to_command(name, load(entry.module, entry.attribute))
        assert (command.help or "").strip().splitlines()[0] == entry.help, name


def test_help_shows_flags_not_types(cli: CliRunner) -> None:
    def walk(path: list[str], command: typer.core.TyperGroup | typer.core.TyperCommand) -> None:
        shown = run(cli, *path, "--help")
        assert "<bool>" not in shown, path
        for name in getattr(command, "commands", {}):
            walk([*path, name], command.commands[name])  # type: ignore[union-attr]

    for name, entry in COMMANDS.items():
        walk([name], to_command(name, load(entry.module, entry.attribute)))
    assert "--dry-run" in run(cli, "step", "run", "--help")


def test_incident_commands_on_the_database(cli: CliRunner) -> None:
    run(cli, "alert", "fire", "--summary", "Checkout errors", "--label", "alertname=HighErrorRate",
        "--label", "service=checkout")
    assert "is SEV1" in run(cli, "incident", "severity", "1", "SEV1", "--reason", "customers affected")
    unknown = run(cli, "incident", "severity", "1", "SEV9", code=1)
    assert "unknown severity 'SEV9'" in unknown
    assert "incident_commander is amara" in run(cli, "incident", "role", "1", "incident_commander", "amara")
    assert "unknown assignee 'ana'" in run(cli, "incident", "role", "1", "technical_lead", "ana", code=1)
    assert "amara" in run(cli, "incident", "show", "1")
    assert "cleared" in run(cli, "incident", "role", "1", "incident_commander", "--clear")
    assert "unknown role" in run(cli, "incident", "role", "1", "chef", "amara", code=1)
    run(cli, "incident", "note", "1", "rolled back the deploy")
    shown = run(cli, "incident", "timeline", "1")
    for text in ("incident.severity", "→ SEV1", "customers affected", "incident.role", "rolled back the deploy"):
        assert text in shown, text
    assert max(len(line) for line in shown.splitlines()) <= 80


def test_incident_commands_against_a_server(cli: CliRunner, settings, credentials,  # type: ignore[no-untyped-def]
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    rt = Runtime(settings, clock=SystemClock())
    try:
        with live_server(rt) as url:
            monkeypatch.setenv("FIREBREAK_SERVER", url)
            monkeypatch.setenv("FIREBREAK_TOKEN", credentials["ingest"])
            run(cli, "alert", "fire", "--summary", "Queue depth high", "--label", "service=queue")
            monkeypatch.setenv("FIREBREAK_TOKEN", credentials["responder"])
            assert "is SEV2" in run(cli, "incident", "severity", "1", "SEV2")
            run(cli, "incident", "role", "1", "technical_lead", "external:Bo")
            run(cli, "incident", "note", "1", "draining the queue")
            shown = run(cli, "incident", "timeline", "1")
            assert "technical_lead: - → external:Bo" in shown and "draining the queue" in shown
            assert "test-responder" in shown
            assert "no steps yet" in run(cli, "step", "list", "1")
            env = {"FIREBREAK_SERVER": url, "FIREBREAK_TOKEN": credentials["viewer"], "COLUMNS": "80",
                   "PATH": "/usr/bin:/bin"}
            out, modules = loaded_modules(["incident", "list"], env)
            assert "Queue" in out and "triggered" in out
            assert heavy(modules) == []
    finally:
        rt.close()


def test_lists_keep_slugs_whole_at_80_columns(cli: CliRunner) -> None:
    run(cli, "runbook", "import", str(SEEDS))
    listing = run(cli, "runbook", "list")
    slugs = [line for line in listing.splitlines() if "/" in line and not line.startswith(" ")]
    assert len(slugs) == 66
    longest = max(len(slug) for slug in slugs)
    assert all(len(line) <= max(80, longest) for line in listing.splitlines())
    for slug in slugs[:: len(slugs) // 8]:
        assert "version" in run(cli, "runbook", "show", slug), slug
    run(cli, "alert", "fire", "--summary", "Checkout latency above the agreed objective for the last 10 minutes",
        "--label", "service=checkout-payments-gateway")
    incidents = run(cli, "incident", "list")
    assert max(len(line) for line in incidents.splitlines()) <= 80
    assert "triggered" in incidents and "SEV4" in incidents


def test_silence_ids_stay_whole_at_80_columns(cli: CliRunner) -> None:
    out = run(cli, "silence", "add", 'service="checkout-payments-gateway"', 'alertname=~"Disk.*|Inode.*"',
              "--comment", "swapping the disks of the primary and both replicas")
    silence_id = out.split()[1]
    assert len(silence_id) >= 32
    listing = run(cli, "silence", "list")
    assert silence_id in listing
    assert max(len(line) for line in listing.splitlines()) <= 80
    assert "expired" in run(cli, "silence", "expire", silence_id)
