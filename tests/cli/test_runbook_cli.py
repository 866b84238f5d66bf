"""`firebreak runbook` import, list, show, match and lint, on the database directly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from firebreak.cli.main import app
from tests.runbook.corpus import PROMETHEUS_OPERATOR, PROMETHEUS_OPERATOR_URL, SEED_FILES, SEEDS


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    monkeypatch.setenv("FIREBREAK_DATABASE_URL", db_url)
    monkeypatch.setenv("FIREBREAK_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("FIREBREAK_SERVER", raising=False)
    return CliRunner()


def run(cli: CliRunner, *args: str, code: int = 0) -> str:
    result = cli.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


def test_import_list_show_match(cli: CliRunner) -> None:
    out = run(cli, "runbook", "import", str(SEEDS))
    assert "5/5" in out and "66 runbooks (34 scenarios, 32 process documents): 66 new" in out
    assert "66 unchanged" in run(cli, "runbook", "import", str(SEEDS))
    out = run(cli, "runbook", "import", str(PROMETHEUS_OPERATOR), "--base-url", PROMETHEUS_OPERATOR_URL)
    assert "34 new" in out
    listing = run(cli, "runbook", "list", "--kind", "scenario", "--search", "kubepodcrashlooping")
    assert "1 runbooks" in listing
    shown = run(cli, "runbook", "show", "003-e553a3c957542cac/database-connection-pool-exhausted")
    assert "Database Connection Pool Exhausted" in shown and "alerts: DatabaseConnectionPoolExhausted" in shown
    assert "destructive" in shown and "pg_terminate_backend" in shown and "Remediation" in shown
    matched = run(cli, "runbook", "match", "--alertname", "KubePodCrashLooping", "--label", "namespace=default",
                  "--runbook-url", f"{PROMETHEUS_OPERATOR_URL}/kubernetes/kubepodcrashlooping")
    assert "→" in matched and "kubernetes/kubepodcrashlooping would be attached" in matched
    assert "runbook_url points to this runbook" in matched


def test_errors_are_one_clear_line(cli: CliRunner, tmp_path: Path) -> None:
    assert "no such file or folder" in run(cli, "runbook", "import", str(tmp_path / "missing"), code=1)
    assert "runbook 'nope' not found" in run(cli, "runbook", "show", "nope", code=1)
    assert "not key=value" in run(cli, "runbook", "match", "--label", "oops", code=1)
    assert "give --alertname" in run(cli, "runbook", "match", code=2)


def test_lint_text_and_json_and_exit_codes(cli: CliRunner, tmp_path: Path) -> None:
    out = run(cli, "runbook", "lint", str(SEED_FILES["004"]), "--today", "2026-11-22", code=1)
    assert f"{SEED_FILES['004']}:228: error unknown-subcommand" in out
    assert "hint:" in out and "findings:" in out
    data = json.loads(run(cli, "runbook", "lint", str(SEED_FILES["000"]), "--format", "json", "--today",
                          "2026-11-22", code=1))
    assert {"file", "line", "rule", "severity", "message", "hint"} == set(data[0])
    assert {"file": str(SEED_FILES["000"]), "line": 458, "rule": "review-overdue", "severity": "warning"}.items() \
        <= next(d for d in data if d["rule"] == "review-overdue").items()
    clean = tmp_path / "clean.md"
    clean.write_text("# HighErrorRate\n\n## Investigation\n\n```bash\nkubectl -n $NAMESPACE get pods\n```\n")
    assert "0 findings" in run(cli, "runbook", "lint", str(clean))
    warn_only = tmp_path / "warn.md"
    warn_only.write_text("# Api Down\n\n## Investigation\n\n```bash\nkubectl logs $POD -f\n```\n")
    assert "1 findings: 0 errors, 1 warnings" in run(cli, "runbook", "lint", str(warn_only))
    assert "--format must be text or json" in run(cli, "runbook", "lint", str(clean), "--format", "xml", code=2)
