"""`firebreak import`: the published fixtures imported into a file that `config check` accepts, on-call answers
from `firebreak oncall --at` on it, the report, fetching with a token, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from firebreak.cli.main import app
from firebreak.config.loader import load_config
from tests.migrate.conftest import FIXTURES
from tests.migrate.test_fetch import pagerduty_api
from tests.migrate.vendor_server import serving


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("FIREBREAK_DATABASE_URL", f"sqlite:///{tmp_path / 'firebreak.db'}")
    monkeypatch.setenv("FIREBREAK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("FIREBREAK_SERVER", raising=False)
    return CliRunner()


def run(cli: CliRunner, *args: str, code: int = 0) -> str:
    result = cli.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


def test_pagerduty_fixtures_import_every_schedule_and_policy_and_load(cli: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "firebreak.yaml"
    said = run(cli, "import", "pagerduty", "--from", str(FIXTURES), "--out", str(out))
    assert "6 schedules" in said and "2 escalation policies" in said
    assert "ok" in run(cli, "config", "check", str(out))
    config = load_config(out)
    assert {s.name for s in config.schedules} == {
        "daily-engineering-rotation", "daily-engineering-rotation-2", "primary-on-call",
        "daily-with-weekly-restrictions", "no-restrictions", "time-zone"}
    report = (tmp_path / "firebreak.report.md").read_text()
    assert "schedule PI7DH85" in report and "two different objects with this id" in report
    assert "og_schedule_first_line.json" in report  # files of another tool are named as skipped


def test_oncall_at_answers_from_the_imported_file(cli: CliRunner, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "firebreak.yaml"
    run(cli, "import", "pagerduty", "--from", str(FIXTURES / "pd_schedule_PL5FQHC_v3_primary_oncall.json"),
        "--out", str(out))
    monkeypatch.setenv("FIREBREAK_CONFIG", str(out))
    run(cli, "db", "upgrade")
    # computed_shift_assignments: 2026-04-29T16:00Z–2026-04-30T00:00Z PUSER01
    inside = run(cli, "oncall", "--at", "2026-04-29T16:00:00Z")
    assert "puser01" in inside and "2026-04-30 00:00" in inside
    assert "nobody" in run(cli, "oncall", "--at", "2026-04-30T00:00:00Z")


def test_opsgenie_fixtures_import_and_the_report_names_each_rule_left_out(cli: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "og.yaml"
    said = run(cli, "import", "opsgenie", "--from", str(FIXTURES), "--out", str(out), "--report",
               str(tmp_path / "og.md"))
    assert "9 schedules" in said and "2 escalation policies" in said
    run(cli, "config", "check", str(out))
    report = (tmp_path / "og.md").read_text()
    assert report.count("(next of schedule") == 2 and "has no Firebreak equivalent" in report
    assert "participant ops_team" in report


def test_fetching_with_a_token_from_the_environment(cli: CliRunner, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PD_TOKEN", "pd-cli-token")
    with serving(pagerduty_api()) as api:
        api.busy_once.clear()
        said = run(cli, "import", "pagerduty", "--token", "env:PD_TOKEN", "--base-url", api.base_url,
                   "--out", str(tmp_path / "pd.yaml"), "--email-via", "mailtos://u:p@smtp.example.com?to={email}")
    assert "1 services" in said and "pd-cli-token" not in said
    assert {auth for _, _, auth in api.requests} == {"Token token=pd-cli-token"}
    config = load_config(tmp_path / "pd.yaml")
    regina = config.user("regina")
    assert regina is not None and regina.contact[0].via == "mailtos://u:p@smtp.example.com?to=regina@example.com"


def test_bad_use_and_bad_files_are_clear_errors_and_write_nothing(cli: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "x.yaml"
    assert "either --from" in run(cli, "import", "opsgenie", "--out", str(out), code=1)
    assert "env:NAME" in run(cli, "import", "opsgenie", "--token", "literal-key", "--out", str(out), code=1)
    assert "--base-url" in run(cli, "import", "grafana-oncall", "--token", "env:HOME", "--out", str(out), code=1)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "schedules.json").write_text('{"schedules": [\n  {"id": 1,}\n]}')
    said = run(cli, "import", "pagerduty", "--from", str(bad), "--out", str(out), code=2)
    assert "schedules.json:2: not valid JSON" in said
    assert "no such folder" in run(cli, "import", "pagerduty", "--from", str(tmp_path / "nope"), "--out", str(out),
                                   code=2)
    assert not out.exists()
    run(cli, "import", "pagerduty", "--from", str(FIXTURES), "--out", str(out))
    assert "exists; pass --force" in run(cli, "import", "pagerduty", "--from", str(FIXTURES), "--out", str(out),
                                         code=1)
