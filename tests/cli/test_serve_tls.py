"""`firebreak serve` terminates TLS: PagerDuty's official client (which refuses plain http) drives it,
certificates reload on SIGHUP without dropping the listener, and forwarded headers are believed
only from configured proxies."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pagerduty
import pytest
from cryptography import x509

from firebreak.http.server import server_config, tls_from, trusted_proxies
from firebreak.kernel.errors import ConfigError
from tests.support.certs import CertAuthority
from tests.support.live import free_port, wait_for

ADMIN = "fbk_" + "a" * 40
INGEST = "fbi_" + "b" * 40
START_DEADLINE = 120.0


@dataclass
class Served:
    url: str
    port: int
    ca: CertAuthority
    cert: Path
    key: Path
    process: subprocess.Popen[bytes]
    log: Path

    def trust(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca.cert_path))

    def api(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, verify=self.trust(), headers={"Authorization": f"Bearer {ADMIN}"},
                            timeout=30)

    def serial(self) -> int:
        """The serial number of the certificate a new connection is shown."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as raw, \
                self.trust().wrap_socket(raw, server_hostname="localhost") as tls:
            der = tls.getpeercert(binary_form=True)
        assert der is not None
        return x509.load_der_x509_certificate(der).serial_number


def ready(served: Served) -> bool:
    if served.process.poll() is not None:
        raise AssertionError(f"serve exited {served.process.returncode}: {served.log.read_text()[-3000:]}")
    try:
        return httpx.get(f"{served.url}/healthz", verify=served.trust(), timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture
def served(db_url: str, tmp_path: Path) -> Iterator[Served]:
    ca = CertAuthority.create(tmp_path)
    cert, key = tmp_path / "server.pem", tmp_path / "server.key"
    ca.issue(cert, key)
    port = free_port()
    log = tmp_path / "serve.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIREBREAK_")}
    env.update(FIREBREAK_DATABASE_URL=db_url, FIREBREAK_DATA_DIR=str(tmp_path / "data"),
               FIREBREAK_ADMIN_TOKEN=ADMIN, FIREBREAK_INGEST_KEY=INGEST, FIREBREAK_RUN_WORKER="false")
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-c", "from firebreak.cli.main import main; main()", "serve", "--port", str(port),
             "--tls-cert", str(cert), "--tls-key", str(key)],
            cwd=tmp_path, env=env, stdout=sink, stderr=subprocess.STDOUT)
    served = Served(url=f"https://localhost:{port}", port=port, ca=ca, cert=cert, key=key, process=process, log=log)
    try:
        wait_for(lambda: ready(served), timeout=START_DEADLINE, interval=0.3)
        yield served
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def test_pagerduty_client_over_tls_gets_one_incident_resolved(served: Served) -> None:
    with pytest.raises(pagerduty.UrlError):
        pagerduty.EventsApiV2Client(INGEST, base_url=f"http://127.0.0.1:{served.port}")
    events = pagerduty.EventsApiV2Client(INGEST, base_url=served.url, verify=served.trust())
    what = {"class": "connections", "component": "orders-db"}
    first = events.trigger("Connection pool exhausted on orders-db", "orders-db-01", payload=what)
    second = events.trigger("orders-db: 100 of 100 connections in use", "orders-db-02", payload=what)
    assert first != second
    events.send_change_event(payload={"summary": "max_connections 100 -> 200", "source": "deploy-bot",
                                      "timestamp": "2026-11-22T11:58:00Z", "custom_details": {"service": "orders-db"}},
                             links=[{"href": "https://ci.example.com/build/7", "text": "Build 7"}])
    with served.api() as api:
        [incident] = api.get("/api/v1/incidents").json()["items"]
        assert incident["service"] == "orders-db"
        events.acknowledge(first)
        assert api.get(f"/api/v1/incidents/{incident['id']}").json()["status"] == "acknowledged"
        events.resolve(first)
        events.resolve(second)
        detail = api.get(f"/api/v1/incidents/{incident['id']}").json()
        assert detail["status"] == "resolved" and detail["alert_count"] == 2
        assert api.get("/api/v1/incidents").json()["total"] == 1
        kinds = [entry["kind"] for entry in api.get(f"/api/v1/incidents/{incident['id']}/timeline").json()]
    assert "change.received" in kinds and kinds[-1] == "incident.status"


def test_sighup_reloads_the_certificate_and_keeps_the_listener(served: Served) -> None:
    before = served.serial()
    renewed = served.ca.issue(served.cert, served.key, common_name="localhost-renewed")
    assert renewed != before
    served.process.send_signal(signal.SIGHUP)
    wait_for(lambda: served.serial() == renewed, timeout=60)
    # a certificate that cannot be used is refused; the previous one stays in service
    served.cert.write_text("not a certificate\n")
    served.process.send_signal(signal.SIGHUP)
    wait_for(lambda: "TLS certificate reload refused" in served.log.read_text(), timeout=60)
    assert served.process.poll() is None and served.serial() == renewed
    assert ready(served)


def test_tls_needs_both_files_and_usable_ones(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--tls-key"):
        tls_from(tmp_path / "cert.pem", None)
    assert tls_from(None, None) is None
    with pytest.raises(ConfigError, match="does not exist"):
        tls_from(tmp_path / "cert.pem", tmp_path / "key.pem")
    (tmp_path / "cert.pem").write_text("junk")
    (tmp_path / "key.pem").write_text("junk")
    with pytest.raises(ConfigError, match="cannot use TLS certificate"):
        tls_from(tmp_path / "cert.pem", tmp_path / "key.pem")


def seen_by_app(proxies: list[str], client: str, headers: dict[str, str]) -> tuple[str, str]:
    """The client address and scheme the app sees through Firebreak's server configuration."""
    seen: dict[str, Any] = {}

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.update(client=scope["client"][0], scheme=scope["scheme"])
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    config = server_config(app, host="127.0.0.1", port=0, tls=None, proxies=trusted_proxies(proxies),
                           log_level="warning")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": "/", "raw_path": b"/", "query_string": b"", "root_path": "", "client": (client, 50000),
             "server": ("127.0.0.1", 8080),
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        return None

    asyncio.run(config.loaded_app(scope, receive, send))
    return seen["client"], seen["scheme"]


def test_forwarded_headers_are_believed_only_from_configured_proxies() -> None:
    forged = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    # none configured: nobody, not even a local process, can claim another address or scheme
    assert seen_by_app([], "127.0.0.1", forged) == ("127.0.0.1", "http")
    assert seen_by_app(["127.0.0.1"], "127.0.0.1", forged) == ("203.0.113.9", "https")
    assert seen_by_app(["10.0.0.0/8"], "10.1.2.3", forged) == ("203.0.113.9", "https")
    assert seen_by_app(["10.0.0.0/8"], "192.0.2.1", forged) == ("192.0.2.1", "http")
    with pytest.raises(ConfigError, match="not an IP address or network"):
        trusted_proxies(["proxy.internal"])
    assert trusted_proxies(["10.0.0.5, 10.1.0.0/16", ""]) == ["10.0.0.5", "10.1.0.0/16"]


def test_serve_refuses_half_a_tls_setup(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIREBREAK_")}
    env.update(FIREBREAK_DATABASE_URL=f"sqlite:///{tmp_path / 'fb.db'}", FIREBREAK_RUN_WORKER="false")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", "from firebreak.cli.main import main; main()", "serve",
                           "--port", str(free_port()), "--tls-cert", str(tmp_path / "cert.pem")],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=START_DEADLINE)
    assert done.returncode != 0, time.monotonic() - started
    assert "--tls-key" in done.stdout + done.stderr
    assert "ready" not in done.stdout
