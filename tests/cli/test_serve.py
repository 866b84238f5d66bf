"""`firebreak serve` as a newcomer runs it: a real process, a fresh HOME and working directory.

On a busy port it ends with one clear error naming host:port and a non-zero exit, having said
nothing is ready and created nothing. On a free port it says ready only once the port answers,
and an alert fired with the printed ingest key shows a page in the server's log whose links answer.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import httpx
import pytest

STARTUP_SECONDS = 180.0  # migrations and imports on a loaded two-core machine
PAGE_SECONDS = 120.0
READY = re.compile(r"Firebreak is ready at (http://127\.0\.0\.1:(\d+))")
ALERT = {"version": "4", "status": "firing", "receiver": "firebreak",
         "alerts": [{"status": "firing",
                     "labels": {"alertname": "HighErrorRate", "service": "api", "severity": "critical"},
                     "annotations": {"summary": "5xx above 5%"},
                     "startsAt": "2026-11-22T10:00:00Z", "endsAt": "0001-01-01T00:00:00Z"}]}


def firebreak_command() -> list[str]:
    """The installed `firebreak` script next to this interpreter (what the README runs)."""
    script = Path(sys.executable).with_name("firebreak")
    return [str(script)] if script.exists() else [sys.executable, "-m", "firebreak.cli.main"]


def newcomer_env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith("FIREBREAK_")}
    env.update(HOME=str(home), PYTHONUNBUFFERED="1", NO_COLOR="1", COLUMNS="200")
    return env


class Lines:
    """Every line a process writes on stdout and stderr, as it comes, with a wait for a matching one."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: list[tuple[str, str]] = []
        self._ended = 0
        self._changed = threading.Condition()
        assert proc.stdout is not None and proc.stderr is not None
        for name, stream in (("stdout", proc.stdout), ("stderr", proc.stderr)):
            threading.Thread(target=self._read, args=(name, stream), daemon=True).start()

    def _read(self, name: str, stream: IO[str]) -> None:
        for line in stream:
            with self._changed:
                self.lines.append((name, line.rstrip("\n")))
                self._changed.notify_all()
        with self._changed:
            self._ended += 1
            self._changed.notify_all()

    def text(self) -> str:
        return "\n".join(f"{name}: {line}" for name, line in self.lines)

    def wait_for(self, pattern: re.Pattern[str], timeout: float) -> re.Match[str]:
        """The first line matching `pattern`; fails when the process closed both streams or time ran out."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for _name, line in self.lines:
                    found = pattern.search(line)
                    if found:
                        return found
                if self._ended == 2:
                    raise AssertionError(f"process ended before {pattern.pattern!r}:\n{self.text()}")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no line matching {pattern.pattern!r} in {timeout:.0f}s:\n{self.text()}")
                self._changed.wait(remaining)


def stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)


def test_a_busy_port_is_one_clear_error_and_nothing_is_ready(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = subprocess.run([*firebreak_command(), "serve", "--port", str(port)], cwd=tmp_path,
                                env=newcomer_env(tmp_path), capture_output=True, text=True,
                                timeout=STARTUP_SECONDS)
    assert result.returncode != 0
    assert f"error: cannot listen on 127.0.0.1:{port}: address already in use" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "is ready" not in result.stdout + result.stderr
    assert result.stdout == ""  # no credentials spent, no banner
    assert not (tmp_path / ".firebreak").exists()  # nothing migrated or created


def test_the_readme_first_command_serves_and_a_fired_alert_pages_the_log(tmp_path: Path) -> None:
    proc = subprocess.Popen([*firebreak_command(), "serve", "--port", "0"], cwd=tmp_path, env=newcomer_env(tmp_path),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
    try:
        lines = Lines(proc)
        ready = lines.wait_for(READY, STARTUP_SECONDS)
        url = ready.group(1)
        # Ready means bound and serving: the very first request after the line is answered.
        assert httpx.get(f"{url}/healthz", timeout=10).status_code == 200
        ingest = lines.wait_for(re.compile(r"ingest key\s*:\s*(fbi_\S+)"), 1).group(1)
        admin = lines.wait_for(re.compile(r"admin token\s*:\s*(fbk_\S+)"), 1).group(1)
        response = httpx.post(f"{url}/api/v1/alerts/alertmanager", json=ALERT, timeout=30,
                              headers={"Authorization": f"Bearer {ingest}"})
        assert response.status_code == 202, response.text
        incident = response.json()["results"][0]["incident_id"]
        page = lines.wait_for(re.compile(rf"page incident={incident} delivery=\d+ title=(\".*\") body=(\".*\")$"),
                              PAGE_SECONDS)
        title, body = json.loads(page.group(1)), json.loads(page.group(2))
        assert "5xx above 5%" in title
        links = re.findall(r"https?://\S+", body)
        assert links and all(link.startswith(url) for link in links), (url, links)
        # The printed console password signs in; with that session every link in the page opens.
        user, password = lines.wait_for(re.compile(r"sign-in\s*:\s*user (\S+), password (\S+)"), 1).groups()
        signed_in = httpx.post(f"{url}/login", data={"username": user, "password": password}, timeout=30)
        assert signed_in.status_code == 303 and signed_in.headers["location"] == "/incidents", signed_in.text
        session = signed_in.headers["set-cookie"].split(";")[0]
        for link in links:
            assert httpx.get(link, headers={"Cookie": session}, timeout=30).status_code == 200, link
        assert httpx.get(f"{url}/incidents/{incident}", timeout=30).status_code == 303  # not without it
        deliveries = httpx.get(f"{url}/api/v1/incidents/{incident}/deliveries", timeout=30,
                               headers={"Authorization": f"Bearer {admin}"}).json()
        assert deliveries[0]["channel"] == "log" and deliveries[0]["status"] == "delivered"
        assert (tmp_path / ".firebreak" / "firebreak.db").exists()
    finally:
        stop(proc)


@pytest.mark.parametrize("host", ["256.0.0.1"])
def test_an_address_that_cannot_be_bound_is_named(tmp_path: Path, host: str) -> None:
    result = subprocess.run([*firebreak_command(), "serve", "--host", host, "--port", "0"], cwd=tmp_path,
                            env=newcomer_env(tmp_path), capture_output=True, text=True, timeout=STARTUP_SECONDS)
    assert result.returncode != 0 and f"cannot listen on {host}:0" in result.stderr
    assert "is ready" not in result.stdout + result.stderr
