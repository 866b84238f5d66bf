"""Chat posting through the outbox to a Slack-compatible local receiver (Mattermost's incoming-webhook shape:
`{"text", "username", "channel"}`): updates, role, severity and state changes, each with the incident's link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from firebreak.communicate.channel import channel_name, slug
from firebreak.kernel.clock import FixedClock
from firebreak.runtime import Runtime
from tests.communicate.conftest import Fire, communicate_yaml, outbox_of
from tests.notify.conftest import Receiver


@pytest.fixture
def communicate_text(receiver: Receiver) -> str:
    # "localhost", not 127.0.0.1: a chat scheme's host counts as a credential, and redaction remembers
    # credentials for the whole process, so an address would be masked in every later test of this worker.
    hook = f"mmost://localhost:{receiver.port}"
    return communicate_yaml(
        communicate=f"""  chat:
    targets: ["{hook}/everyone"]
    incident_target: "{hook}/incidents?channel={{channel}}"
    post: [updates, roles, severity, status]
""", team_chat=f', chat_targets: ["{hook}/platform"]')


def deliver_all(runtime: Runtime) -> None:
    worker = runtime.worker()
    for _ in range(20):
        if not worker.deliver():
            return
    raise AssertionError("deliveries did not settle")


def texts(receiver: Receiver, path: str) -> list[str]:
    return [r["body"]["text"] for r in receiver.accepted if r["path"] == path]


def test_updates_and_changes_reach_every_chat_target_with_the_incident_link(
        runtime: Runtime, client: TestClient, fire: Fire, receiver: Receiver, clock: FixedClock) -> None:
    incident = fire("critical", name="HighErrorRate")
    channel = client.get(f"/api/v1/incidents/{incident}").json()["chat_channel"]
    assert channel == "#incident-20261122-higherrorrate-on-api"
    clock.advance(timedelta(minutes=2))
    assert client.post(f"/api/v1/incidents/{incident}/updates",
                       json={"impact": "Checkout failing for 15% of requests"}).status_code == 201
    assert client.post(f"/api/v1/incidents/{incident}/roles",
                       json={"role": "incident_commander", "assignee": "bob"}).status_code == 200
    assert client.post(f"/api/v1/incidents/{incident}/severity", json={"severity": "SEV2"}).status_code == 200
    assert client.post(f"/api/v1/incidents/{incident}/transition", json={"status": "investigating"}).status_code == 200
    deliver_all(runtime)
    link = f"Incident: http://firebreak.test/incidents/{incident}"
    for path in ("/hooks/everyone", "/hooks/platform", "/hooks/incidents"):
        posted = texts(receiver, path)
        assert len(posted) == 5, (path, posted)  # opened, the update, the role, the severity, the move
        assert all(link in text for text in posted)
        opened, update, role, severity, move = posted
        assert "New incident" in opened and channel in opened
        assert "Impact: Checkout failing for 15% of requests" in update
        assert "Incident commander" in role and "nobody → bob" in role
        assert "SEV1 → SEV2" in severity
        assert "triggered → investigating" in move
    own = [r["body"] for r in receiver.accepted if r["path"] == "/hooks/incidents"]
    assert {body["channel"] for body in own} == {channel.removeprefix("#")}
    rows = outbox_of(runtime, incident, "chat")
    assert len(rows) == 15 and {row.status for row in rows} == {"delivered"}
    log = client.get(f"/api/v1/incidents/{incident}/deliveries").json()
    assert sum(1 for item in log if item["kind"] == "chat") == 15


def test_a_failing_chat_target_is_retried_and_logged(runtime: Runtime, client: TestClient, fire: Fire,
                                                     receiver: Receiver, clock: FixedClock) -> None:
    receiver.fail_first = 1
    incident = fire("critical")
    deliver_all(runtime)
    clock.advance(timedelta(minutes=10))  # past the retry backoff
    deliver_all(runtime)
    rows = outbox_of(runtime, incident, "chat")
    assert {row.status for row in rows} == {"delivered"}
    assert sum(row.attempts for row in rows) == len(rows) + 1
    kinds = [e["kind"] for e in client.get(f"/api/v1/incidents/{incident}/timeline").json()]
    assert "notification.retrying" in kinds


def test_acknowledging_does_not_cancel_chat_posts(runtime: Runtime, client: TestClient, fire: Fire,
                                                  receiver: Receiver) -> None:
    incident = fire("critical")
    assert client.post(f"/api/v1/incidents/{incident}/acknowledge").status_code == 200
    deliver_all(runtime)
    assert len(texts(receiver, "/hooks/platform")) == 2  # opened and acknowledged, none cancelled


def test_channel_names_follow_the_pattern() -> None:
    opened = datetime(2024, 1, 15, 23, 30, tzinfo=UTC)
    assert channel_name("#incident-{date}-{slug}", incident_id=7, title="API Errors Elevated (15%)",
                        opened_at=opened) == "#incident-20240115-api-errors-elevated-15"
    assert channel_name("inc-{id}-{slug}", incident_id=7, title="Ünïcode & Spaces!!", opened_at=opened) \
        == "inc-7-n-code-spaces"
    long = channel_name("#incident-{date}-{slug}", incident_id=7, title="word " * 40, opened_at=opened)
    assert len(long) <= 80 and not long.endswith("-") and long.startswith("#incident-20240115-word-word")
    assert slug("") == "incident" and slug("a-very-long-title-that-goes-on", limit=12) == "a-very-long"
