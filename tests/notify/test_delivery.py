"""Pages through real peers: an aiosmtpd SMTP server and a local HTTP receiver; retries, fall-back, log."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from firebreak.config import parse_config
from firebreak.db.models.core import TimelineEntryRecord
from firebreak.db.models.escalate import DeliveryAttemptRecord, OutboxRecord
from firebreak.escalate import engine
from firebreak.escalate.compile import build_directory
from firebreak.escalate.directory import Directory
from firebreak.escalate.worker import Worker
from firebreak.incident import service
from firebreak.kernel.clock import FixedClock
from firebreak.notify.backoff import RetryPolicy
from firebreak.runtime import Runtime
from tests.notify.conftest import Mailbox, Receiver


def directory_for(hook: str, mail: str, *, max_attempts: int = 5) -> Directory:
    config = parse_config(f"""
severity_scale: sev1-sev4
users:
  - {{name: Ann Able, handle: ann, contact: [{{via: "{hook}"}}, {{via: "{mail}", after: 10m}}]}}
escalation_policies:
  - name: direct
    levels: [{{notify: ["user:ann"], wait: 30m}}]
notifications:
  max_attempts: {max_attempts}
  retry_backoff: 10s
  retry_backoff_cap: 1m
""", file="delivery.yaml")
    return build_directory(config, secret=b"k", base_url="http://firebreak.test")


def open_and_page(runtime: Runtime, directory: Directory, clock: FixedClock, worker: Worker) -> int:
    with runtime.session_factory.begin() as session:
        incident = service.open_incident(session, title="Payments failing", severity="SEV1", service="payments",
                                         team=None, escalation_policy="direct", group_key="g", now=clock.now(),
                                         actor="test", data={})
        engine.start(session, incident=incident, directory=directory, now=clock.now())
        incident_id = incident.id
    assert len(worker.run_turns()) == 1
    return incident_id


def deliver_until_quiet(worker: Worker, clock: FixedClock, rounds: int = 12) -> None:
    """Deliver, then move the clock past every retry delay, until nothing is left to do."""
    for _ in range(rounds):
        worker.deliver()
        clock.advance(timedelta(seconds=61))


def attempts(runtime: Runtime, incident_id: int) -> list[tuple[int, int, str]]:
    with runtime.session_factory() as session:
        rows = session.execute(select(OutboxRecord.contact_index, DeliveryAttemptRecord.attempt,
                                      DeliveryAttemptRecord.outcome)
                               .join(OutboxRecord, OutboxRecord.id == DeliveryAttemptRecord.outbox_id)
                               .where(DeliveryAttemptRecord.incident_id == incident_id)
                               .order_by(OutboxRecord.contact_index, DeliveryAttemptRecord.attempt))
        return [tuple(row) for row in rows]  # type: ignore[misc]


def kinds(runtime: Runtime, incident_id: int) -> list[str]:
    with runtime.session_factory() as session:
        return list(session.scalars(select(TimelineEntryRecord.kind)
                                    .where(TimelineEntryRecord.incident_id == incident_id)
                                    .order_by(TimelineEntryRecord.seq)))


def test_receiver_failing_three_times_gets_exactly_one_delivery(
        runtime: Runtime, clock: FixedClock, receiver: Receiver, smtp: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp
    receiver.fail_first = 3
    directory = directory_for(receiver.url, f"mailto://127.0.0.1:{port}?from=pager@example.com&to=ann@example.com")
    worker = Worker(runtime.session_factory, lambda: directory, clock)
    incident_id = open_and_page(runtime, directory, clock, worker)
    worker.deliver()
    assert len(receiver.requests) == 1 and not receiver.accepted
    deliver_until_quiet(worker, clock, rounds=4)
    assert len(receiver.requests) == 4
    assert len(receiver.accepted) == 1
    ids = {r["headers"]["X-Firebreak-Delivery"] for r in receiver.requests}
    assert len(ids) == 1  # every retry carried the same idempotency key
    assert receiver.accepted[0]["body"]["title"].startswith("[SEV1]")
    assert "/ack/" in receiver.accepted[0]["body"]["message"]
    assert attempts(runtime, incident_id)[:4] == [(0, 1, "failed"), (0, 2, "failed"), (0, 3, "failed"),
                                                  (0, 4, "delivered")]
    timeline = kinds(runtime, incident_id)
    assert timeline.count("notification.retrying") == 3 and timeline.count("notification.delivered") == 1
    # The e-mail method was due ten minutes after the page and is sent then, unless acknowledged.
    deliver_until_quiet(worker, clock, rounds=10)
    assert len(mailbox.messages) == 1 and mailbox.messages[0].rcpt_tos == ["ann@example.com"]
    assert len(receiver.accepted) == 1


def test_a_method_that_keeps_failing_falls_back_to_the_next_at_once(
        runtime: Runtime, clock: FixedClock, receiver: Receiver, smtp: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp
    receiver.fail_first = 1000
    directory = directory_for(receiver.url, f"mailto://127.0.0.1:{port}?from=pager@example.com&to=ann@example.com",
                              max_attempts=2)
    worker = Worker(runtime.session_factory, lambda: directory, clock)
    start = clock.now()
    incident_id = open_and_page(runtime, directory, clock, worker)
    worker.deliver()
    clock.advance(timedelta(seconds=11))
    worker.deliver()  # second and last failure: the e-mail method is brought forward
    assert clock.now() - start < timedelta(minutes=1)
    worker.deliver()
    assert len(receiver.requests) == 2
    assert len(mailbox.messages) == 1
    assert "Payments failing" in mailbox.messages[0].content.decode("utf-8", "replace")
    assert attempts(runtime, incident_id) == [(0, 1, "failed"), (0, 2, "failed"), (1, 1, "delivered")]
    timeline = kinds(runtime, incident_id)
    assert "notification.failed" in timeline and "notification.fallback" in timeline
    assert "notification.unreachable" not in timeline


def test_unreachable_when_every_method_fails(runtime: Runtime, clock: FixedClock, receiver: Receiver) -> None:
    receiver.fail_first = 1000
    closed = f"json://127.0.0.1:{receiver.port}/other"  # the same failing receiver, second address
    directory = directory_for(receiver.url, closed, max_attempts=1)
    worker = Worker(runtime.session_factory, lambda: directory, clock)
    incident_id = open_and_page(runtime, directory, clock, worker)
    deliver_until_quiet(worker, clock, rounds=3)
    assert attempts(runtime, incident_id) == [(0, 1, "failed"), (1, 1, "failed")]
    assert kinds(runtime, incident_id)[-1] == "notification.unreachable"


def test_retry_delays_come_from_the_configured_policy(runtime: Runtime, clock: FixedClock,
                                                      receiver: Receiver) -> None:
    receiver.fail_first = 1000
    directory = directory_for(receiver.url, receiver.url + "2", max_attempts=5)
    assert directory.retry == RetryPolicy(5, timedelta(seconds=10), timedelta(minutes=1))
    worker = Worker(runtime.session_factory, lambda: directory, clock)
    open_and_page(runtime, directory, clock, worker)
    worker.deliver()
    with runtime.session_factory() as session:
        row = session.scalars(select(OutboxRecord).where(OutboxRecord.contact_index == 0)).one()
        wait = row.next_attempt_at - clock.now()
    assert timedelta(seconds=5) <= wait <= timedelta(seconds=10)
