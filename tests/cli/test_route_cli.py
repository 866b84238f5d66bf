"""`firebreak config check`, `silence …`, `route test` and `serve --config` with SIGHUP reload."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from firebreak.cli.main import app
from firebreak.config import default_config_path
from firebreak.kernel.clock import SystemClock
from firebreak.runtime import Runtime
from tests.support.live import free_port, live_server, wait_for

FIREBREAK = [sys.executable, "-c", "from firebreak.cli.main import main; main()"]
SMALL = """
teams: [{name: platform, escalation_policy: default}]
services: [{name: api, team: platform}]
escalation_policies: [{name: default}]
routes:
  - {name: api, match: {service: api}, severity: SEV2}
"""


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    monkeypatch.setenv("FIREBREAK_DATABASE_URL", db_url)
    monkeypatch.setenv("FIREBREAK_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("FIREBREAK_SERVER", raising=False)
    monkeypatch.delenv("FIREBREAK_CONFIG", raising=False)
    return CliRunner()


def run(cli: CliRunner, *args: str) -> str:
    result = cli.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_config_check(tmp_path: Path) -> None:
    runner = CliRunner()
    out = run(runner, "config", "check", str(default_config_path()))
    assert "ok" in out and "sev1-sev4" in out and "7 services" in out
    bad = tmp_path / "bad.yaml"
    bad.write_text(SMALL.replace("team: platform}", "team: platfrom}"), encoding="utf-8")
    result = runner.invoke(app, ["config", "check", str(bad)])
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert f"{bad}:3: services[0].team: team 'platfrom' is not defined" in message
    assert message.count(f"{bad}:3") == 1
    missing = runner.invoke(app, ["config", "check", str(tmp_path / "none.yaml")])
    assert missing.exit_code == 2 and "cannot read" in missing.output


def test_silence_commands_on_the_database(cli: CliRunner) -> None:
    out = run(cli, "silence", "add", 'service="checkout"', "alertname=~Disk.*", "--duration", "2h",
              "--comment", "disk swap", "--author", "ana")
    silence_id = out.split()[1]
    assert "active" in out
    listing = run(cli, "silence", "list")
    assert silence_id[:8] in listing and "ana" in listing
    report = run(cli, "silence", "report", "--within", "3h")
    assert "expiring within 3h: 1" in " ".join(report.split())
    assert "expired" in run(cli, "silence", "expire", silence_id)
    assert silence_id[:8] not in run(cli, "silence", "list")
    assert silence_id[:8] in run(cli, "silence", "list", "--state", "expired")
    again = cli.invoke(app, ["silence", "expire", silence_id])
    assert again.exit_code == 1 and "already expired" in again.output


def test_silence_errors_are_clear(cli: CliRunner) -> None:
    bad = cli.invoke(app, ["silence", "add", 'job=~"("', "--comment", "x"])
    assert bad.exit_code == 1 and "invalid regular expression" in bad.output
    bad = cli.invoke(app, ["silence", "add", "a=b", "--comment", "x", "--duration", "forever"])
    assert bad.exit_code == 1 and "--duration" in bad.output
    bad = cli.invoke(app, ["silence", "list", "--state", "sleeping"])
    assert bad.exit_code == 1 and "--state" in bad.output


def test_route_test_on_the_database(cli: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "firebreak.yaml"
    path.write_text(SMALL, encoding="utf-8")
    out = run(cli, "route", "test", "--config", str(path), "--label", "service=api", "--label", "alertname=Down")
    flat = " ".join(out.split())
    assert "routes api" in flat and "severity SEV2" in flat and "team platform" in flat
    assert "pages yes" in flat and 'service="api"' in flat
    run(cli, "silence", "add", "service=api", "--comment", "deploy")
    muted = " ".join(run(cli, "route", "test", "--config", str(path), "--label", "service=api").split())
    assert "muted by silence:" in muted and "pages no" in muted
    # without --config the configuration in force (the bundled example) is used
    example = " ".join(run(cli, "route", "test", "--label", "service=postgres").split())
    assert "routes database" in example and "team data" in example
    bad = cli.invoke(app, ["route", "test", "--label", "novalue"])
    assert bad.exit_code == 1 and "expected key=value" in bad.output


URGENCY = """
severity_scale: p0-p3
support_hours: {time_zone: Europe/London, windows: [{days: weekdays, start: "09:00", end: "17:30"}]}
"""


def test_route_test_names_the_urgency_and_pages_only_for_high(cli: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "urgency.yaml"
    path.write_text(URGENCY, encoding="utf-8")

    def route(severity: str, at: str) -> str:
        return " ".join(run(cli, "route", "test", "--config", str(path), "--label", "alertname=X",
                            "--severity", severity, "--at", at).split())

    assert "urgency high" in route("critical", "2026-11-24T20:00:00Z") and "pages yes" in route(
        "critical", "2026-11-24T20:00:00Z")
    medium = route("warning", "2026-11-24T10:00:00Z")
    assert "severity P2" in medium and "urgency low (severity P2 has urgency low)" in medium
    assert "pages no" in medium and "pages yes" not in medium
    assert "urgency none" in route("info", "2026-11-24T10:00:00Z")
    night = route("high", "2026-11-24T20:00:00Z")
    assert "urgency low" in night and "outside support hours" in night
    assert "pages no, not before 2026-11-25T09:00:00Z (support hours)" in night
    assert "pages yes" in route("high", "2026-11-24T10:00:00Z")


def test_commands_against_a_running_server(cli: CliRunner, settings, credentials, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rt = Runtime(settings, clock=SystemClock())
    try:
        with live_server(rt) as url:
            monkeypatch.setenv("FIREBREAK_SERVER", url)
            monkeypatch.setenv("FIREBREAK_TOKEN", credentials["responder"])
            out = run(cli, "silence", "add", "service=redis", "--comment", "patching", "--duration", "30m")
            assert "active" in out
            flat = " ".join(run(cli, "route", "test", "--label", "service=redis").split())
            assert "muted by silence:" in flat and "team data" in flat
            denied = cli.invoke(app, ["config", "reload"])
            assert denied.exit_code == 1 and "403" in denied.output
            monkeypatch.setenv("FIREBREAK_TOKEN", credentials["admin"])
            assert "generation 2" in run(cli, "config", "reload")
    finally:
        rt.close()


def test_serve_reloads_on_sighup_and_refuses_a_broken_file(tmp_path: Path) -> None:
    path = tmp_path / "firebreak.yaml"
    path.write_text(SMALL, encoding="utf-8")
    port = free_port()
    token = "fba_" + "t" * 40
    env = {**os.environ, "FIREBREAK_DATABASE_URL": f"sqlite:///{tmp_path / 'fb.db'}", "FIREBREAK_RUN_WORKER": "false",
           "FIREBREAK_ADMIN_TOKEN": token, "FIREBREAK_DATA_DIR": str(tmp_path)}
    env.pop("FIREBREAK_CONFIG", None)
    proc = subprocess.Popen([*FIREBREAK, "serve", "--config", str(path), "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {token}"}

    def summary() -> dict | None:
        try:
            r = httpx.get(f"{base}/api/v1/config", headers=headers, timeout=2)
        except httpx.HTTPError:
            return None
        return r.json() if r.status_code == 200 else None

    try:
        assert wait_for(summary, timeout=60)["generation"] == 1
        path.write_text(SMALL.replace("[{name: api, team: platform}]",
                                      "[{name: api, team: platform}, {name: web, team: platform}]"), encoding="utf-8")
        proc.send_signal(signal.SIGHUP)
        reloaded = wait_for(lambda: (s := summary()) and s["generation"] == 2 and s)
        assert reloaded["counts"]["services"] == 2
        path.write_text(SMALL + "  - {match: {a: b}, team: ghost}\n", encoding="utf-8")
        proc.send_signal(signal.SIGHUP)
        refused = wait_for(lambda: (s := summary()) and s["last_error"] and s)
        assert refused["generation"] == 2 and "routes[1].team" in refused["last_error"]
        assert proc.poll() is None  # still serving with the previous configuration
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_serve_refuses_to_start_half_configured(tmp_path: Path) -> None:
    path = tmp_path / "firebreak.yaml"
    path.write_text("teams:\n  - name: platform\n    colour: red\n", encoding="utf-8")
    env = {**os.environ, "FIREBREAK_DATABASE_URL": f"sqlite:///{tmp_path / 'fb.db'}",
           "FIREBREAK_DATA_DIR": str(tmp_path)}
    done = subprocess.run([*FIREBREAK, "serve", "--config", str(path), "--port", str(free_port())],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert f"{path}:3: teams[0].colour: unknown field 'colour'" in " ".join(done.stderr.split())


def test_silence_warn_reaches_the_author_once(cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "firebreak.yaml"
    path.write_text(SMALL + "users:\n  - {name: Amara, handle: amara, contact: [{via: 'console://'}]}\n",
                    encoding="utf-8")
    monkeypatch.setenv("FIREBREAK_CONFIG", str(path))
    run(cli, "silence", "add", "service=api", "--comment", "deploy", "--duration", "30m", "--author", "amara")
    run(cli, "silence", "add", "service=web", "--comment", "later", "--duration", "5h", "--author", "amara")
    run(cli, "silence", "add", "service=db", "--comment", "db", "--duration", "20m", "--author", "ghost")
    out = run(cli, "silence", "warn", "--within", "1h")
    assert "amara warning queued for console://" in out and '"title"' not in out  # the worker sends it
    assert "ghost not warned ('ghost' has no contact method" in " ".join(out.split())
    assert "2 silence(s) ending within 1h" in out
    assert "0 silence(s)" in run(cli, "silence", "warn", "--within", "1h")
    sent = run(cli, "worker", "--once")
    assert '"title": "Silence' in sent and ("ends in 29 min" in sent or "ends in 30 min" in sent)
    assert "1 delivery attempt(s)" in sent
    assert "1 delivery attempt(s)" not in run(cli, "worker", "--once")  # warned once
