"""Silence-expiry warnings go through the outbox: queued with the claim, delivered by the worker to a real
local HTTP receiver with retries and fall-back, logged, and never sent twice."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from firebreak.config import parse_config
from firebreak.db.models.escalate import OutboxRecord
from firebreak.escalate.compile import build_directory
from firebreak.escalate.directory import Directory
from firebreak.escalate.worker import Worker
from firebreak.flows.silence_warnings import queue_expiry_warnings
from firebreak.kernel.clock import FixedClock
from firebreak.notify import outbox
from firebreak.route import silences_store
from firebreak.runtime import Runtime
from tests.notify.conftest import Receiver, free_port


def directory_for(first: str, second: str, *, max_attempts: int = 5) -> Directory:
    config = parse_config(f"""
severity_scale: sev1-sev4
users:
  - {{name: Amara Obi, handle: amara, contact: [{{via: "{first}"}}, {{via: "{second}"}}]}}
notifications:
  max_attempts: {max_attempts}
  retry_backoff: 10s
  retry_backoff_cap: 1m
""", file="warnings.yaml")
    return build_directory(config, secret=b"k", base_url="http://firebreak.test")


def add_silence(runtime: Runtime, clock: FixedClock, author: str, minutes: int) -> str:
    with runtime.session_factory.begin() as session:
        record = silences_store.create(session=session, matchers=["service=api"], starts_at=clock.now(),
                                       ends_at=clock.now() + timedelta(minutes=minutes), created_by=author,
                                       comment="deploying api v2", now=clock.now())
        return record.id


def queue(runtime: Runtime, clock: FixedClock, directory: Directory) -> list[tuple[str, tuple[str, ...], str | None]]:
    with runtime.session_factory.begin() as session:
        return [(w.notice.silence_id, w.targets, w.problem)
                for w in queue_expiry_warnings(session, directory=directory, now=clock.now(),
                                               within=timedelta(hours=1))]


def log(runtime: Runtime, silence_id: str) -> list[tuple[int, str, list[str]]]:
    with runtime.session_factory() as session:
        return [(row.contact_index, row.status, [a.outcome for a in attempts])
                for row, attempts in outbox.delivery_log(session, silence_id=silence_id)]


def test_a_warning_is_an_outbox_row_the_worker_delivers_with_retries_once(
        runtime: Runtime, clock: FixedClock, receiver: Receiver, client: TestClient) -> None:
    receiver.fail_first = 2
    directory = directory_for(receiver.url, receiver.url + "2")
    worker = Worker(runtime.session_factory, lambda: directory, clock)
    silence_id = add_silence(runtime, clock, "amara", 30)
    ghost_id = add_silence(runtime, clock, "ghost", 20)
    queued = {item[0]: item for item in queue(runtime, clock, directory)}
    shown = f"json://127.0.0.1:{receiver.port}/[REDACTED]"  # the path of a webhook may carry its secret
    assert queued[silence_id][1] == (shown, shown) and queued[silence_id][2] is None
    assert queued[ghost_id][1] == () and "'ghost' has no contact method" in (queued[ghost_id][2] or "")
    with runtime.session_factory() as session:
        rows = list(session.scalars(select(OutboxRecord).order_by(OutboxRecord.contact_index)))
        assert [(r.silence_id, r.incident_id, r.kind, r.status) for r in rows] == [
            (silence_id, None, "silence_expiry", "pending")] * 2
        assert rows[0].due_at == clock.now() and rows[1].due_at == clock.now() + timedelta(minutes=30)
    assert receiver.requests == []  # queued, not sent: sending is the worker's
    for _ in range(3):
        worker.deliver()
        clock.advance(timedelta(seconds=61))
    assert len(receiver.requests) == 3 and len(receiver.accepted) == 1
    body = receiver.accepted[0]["body"]
    assert body["title"] == f"Silence {silence_id[:8]} ends in 30 min" and "deploying api v2" in body["message"]
    assert receiver.accepted[0]["path"] == "/hook"
    assert log(runtime, silence_id) == [(0, "delivered", ["failed", "failed", "delivered"]), (1, "cancelled", [])]
    assert queue(runtime, clock, directory) == []  # never warned twice
    clock.advance(timedelta(hours=1))  # past the silence's end: the held second method stays cancelled
    worker.deliver()
    assert len(receiver.requests) == 3
    shown_log = client.get(f"/api/v1/silences/{silence_id}/deliveries").json()
    assert [(d["kind"], d["status"], [a["outcome"] for a in d["attempts"]]) for d in shown_log] == [
        ("silence_expiry", "delivered", ["failed", "failed", "delivered"]), ("silence_expiry", "cancelled", [])]
    missing = client.get("/api/v1/silences/nope/deliveries")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("application/problem+json")


def test_a_method_that_keeps_failing_falls_back_to_the_next(runtime: Runtime, clock: FixedClock,
                                                           receiver: Receiver) -> None:
    closed = f"json://127.0.0.1:{free_port()}/nobody"
    directory = directory_for(closed, receiver.url, max_attempts=2)
    worker = Worker(runtime.session_factory, lambda: directory, clock)
    silence_id = add_silence(runtime, clock, "amara", 45)
    queue(runtime, clock, directory)
    worker.deliver()
    clock.advance(timedelta(seconds=11))
    worker.deliver()  # second and last failure: the next method is brought forward
    worker.deliver()
    assert len(receiver.accepted) == 1 and receiver.accepted[0]["body"]["title"].endswith("ends in 45 min")
    assert log(runtime, silence_id) == [(0, "failed", ["failed", "failed"]), (1, "delivered", ["delivered"])]
