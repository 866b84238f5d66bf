"""The bundled example pages offline: every page of every policy lands in the server log, nothing leaves the host.

Alerts for each route of the example are fired through the API and their escalations run through every
level and repeat on an injected clock, with the worker's real channels (the log/console channel and
apprise). An audit hook records every socket connection and name lookup the process makes meanwhile:
only loopback may appear. Every link the pages carry is then opened in the app: none answers 404.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from firebreak.config.loader import default_config_path
from firebreak.config.models import Config
from firebreak.db.models.core import IncidentRecord
from firebreak.db.models.escalate import OutboxRecord
from firebreak.escalate.pager import page_context
from firebreak.kernel.clock import FixedClock
from firebreak.kernel.logs import formatter
from firebreak.notify.console import ConsoleChannel
from firebreak.notify.render import BUILTIN
from firebreak.runtime import Runtime
from tests.conftest import auth
from tests.payloads import alertmanager, am_alert

LOOPBACK = {"127.0.0.1", "::1", "localhost", "0.0.0.0"}
URL = re.compile(r"https?://[^\s|>\"')]+")


class NetworkLog:
    """Socket connections and name lookups of one thread, seen by a process-wide audit hook while recording.

    Only the test's own thread is watched: the worker sends there (no pool), and threads left over
    from other tests in the same process must not count.
    """

    def __init__(self) -> None:
        self.recording = threading.Event()
        self.thread = threading.get_ident()
        self.hosts: list[str] = []
        sys.addaudithook(self._hook)

    def _hook(self, event: str, args: tuple[object, ...]) -> None:
        if not self.recording.is_set() or threading.get_ident() != self.thread:
            return
        if event == "socket.getaddrinfo":
            self.hosts.append(str(args[0]))
        elif event == "socket.connect" and isinstance(args[1], tuple):
            self.hosts.append(str(args[1][0]))

    def outside(self) -> list[str]:
        return sorted({host for host in self.hosts if host not in LOOPBACK})


_NETWORK: NetworkLog | None = None


@pytest.fixture
def network() -> Iterator[NetworkLog]:
    global _NETWORK
    if _NETWORK is None:
        _NETWORK = NetworkLog()  # an audit hook cannot be removed: install one for the whole run
    _NETWORK.hosts.clear()
    _NETWORK.thread = threading.get_ident()
    _NETWORK.recording.set()
    try:
        yield _NETWORK
    finally:
        _NETWORK.recording.clear()


def test_every_contact_in_the_example_works_offline(example_config: Config) -> None:
    assert example_config.users
    for user in example_config.users:
        targets = [contact.via for contact in user.contact]
        assert targets and all(ConsoleChannel.valid(target) for target in targets), (user.handle, targets)
    # The real-service methods are still there to copy, commented out.
    text = default_config_path().read_text(encoding="utf-8")
    assert re.search(r"^\s*# - \{via: \"slack://", text, re.M) and re.search(r"^\s*# - \{via: \"mailtos://", text, re.M)


ALERTS = [  # one per route of the example: default, security, payments, database, staging
    am_alert("HighErrorRate", service="api", severity="critical"),
    am_alert("SuspiciousLogins", service="auth", severity="critical"),
    am_alert("PaymentsFailing", service="payments-api", severity="critical"),
    am_alert("PostgresTooManyConnections", service="postgres", severity="warning"),
    am_alert("DiskFilling", service="api", severity="warning", env="staging"),
]


def test_quickstart_pages_reach_the_log_and_nothing_leaves_the_host(
        runtime: Runtime, client: TestClient, ingest_client: TestClient, clock: FixedClock,
        credentials: dict[str, str], network: NetworkLog, caplog: pytest.LogCaptureFixture) -> None:
    worker = runtime.escalator.worker()  # the real channels: log/console and apprise
    with caplog.at_level(logging.WARNING, logger="firebreak.notify.page"):
        for alert in ALERTS:
            response = ingest_client.post("/api/v1/alerts/alertmanager", json=alertmanager(alert))
            assert response.status_code == 202, response.text
        for _ in range(12 * 8):  # eight hours in five-minute steps: every level, repeat and re-page
            worker.run_turns()
            worker.deliver()  # no pool: every send happens on this thread, where the network is watched
            clock.advance(timedelta(minutes=5))
    network.recording.clear()
    assert network.outside() == []
    with runtime.session_factory() as session:
        rows = list(session.scalars(select(OutboxRecord).order_by(OutboxRecord.id)))
        incidents = list(session.scalars(select(IncidentRecord).order_by(IncidentRecord.id)))
    assert {row.user_handle for row in rows} >= {"amara", "jonas", "diego", "olu", "hannah", "sam"}
    assert {row.channel for row in rows} == {"log"}
    assert {row.status for row in rows} == {"delivered"}
    logged = [formatter("kv").format(record) for record in caplog.records if record.name == "firebreak.notify.page"]
    assert len(logged) == len(rows) and all(" event=page incident=" in line for line in logged)
    # The page shows on its incident: the delivery log and the timeline say where it went.
    first = incidents[0].id
    deliveries = client.get(f"/api/v1/incidents/{first}/deliveries").json()
    assert deliveries and all(d["channel"] == "log" and d["status"] == "delivered" for d in deliveries)
    kinds = [entry["kind"] for entry in client.get(f"/api/v1/incidents/{first}/timeline").json()]
    assert "notification.delivered" in kinds
    links = {link for row in rows for link in URL.findall(row.body)}
    assert any("/ack/" in link for link in links) and any(f"/incidents/{first}" in link for link in links)
    assert_links_answer(client, links, credentials["admin"])


def test_every_builtin_template_links_to_pages_that_answer(runtime: Runtime, client: TestClient,
                                                          ingest_client: TestClient,
                                                          credentials: dict[str, str]) -> None:
    ingest_client.post("/api/v1/alerts/alertmanager", json=alertmanager(ALERTS[0]))
    directory = runtime.escalator.directory()
    with runtime.session_factory() as session:
        incident = session.scalars(select(IncidentRecord)).one()
        context = page_context(directory, incident, directory.people["amara"], level=1, round_=0, kind="page",
                               policy="platform-default", now=runtime.clock.now())
    links: set[str] = set()
    for family in BUILTIN:
        rendered = directory.templates.render(family, context)
        links.update(URL.findall(f"{rendered.title}\n{rendered.body}"))
    rendered = directory.templates.render("slack", context)  # the example overrides the chat template
    links.update(URL.findall(rendered.body))
    assert len(links) == 2
    assert_links_answer(client, links, credentials["admin"])


def assert_links_answer(client: TestClient, links: set[str], token: str) -> None:
    """Each link, opened as the person holding the page would (signed in: here with a token), answers 200."""
    for link in links:
        parts = urlsplit(link)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        response = client.get(path, headers=auth(token) if not path.startswith("/ack/") else {})
        assert response.status_code == 200, (link, response.status_code)
