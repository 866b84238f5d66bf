"""Audit log storage on SQLite and PostgreSQL: appends chain, tampering of any kind is found."""

from __future__ import annotations

import itertools
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import delete, update

from firebreak.db.models.security import AuditEntryRecord, AuditStateRecord
from firebreak.db.session import transaction
from firebreak.incident.chain import GENESIS
from firebreak.security import audit, audit_writer
from firebreak.security.audit import AuditEvent, outcome_of
from firebreak.security.audit_writer import AuditWriter


def event(clock, n: int, actor: str = "alice", status: int = 200) -> AuditEvent:
    return AuditEvent(at=clock.now() + timedelta(seconds=n), actor=actor, role="responder", via="token",
                      method="POST", path=f"/api/v1/incidents/{n}/acknowledge",
                      action="POST /api/v1/incidents/{incident_id}/acknowledge", status=status,
                      request_id=f"req-{n}", client="10.0.0.5", target={"incident_id": str(n)})


def write(runtime, *events: AuditEvent) -> None:
    for e in events:
        with transaction(runtime.session_factory) as s:
            audit.append(s, e)


def test_entries_chain_and_verify(runtime, clock) -> None:
    write(runtime, *(event(clock, n) for n in range(1, 6)))
    with runtime.session_factory() as s:
        verdict = audit.verify(s)
        rows = audit.entries(s, limit=10)
    assert verdict.ok and verdict.entries == 5
    assert [r.seq for r in rows] == [5, 4, 3, 2, 1]
    assert rows[-1].prev_hash == GENESIS
    assert all(newer.prev_hash == older.hash for newer, older in itertools.pairwise(rows))


def test_empty_log_verifies(session) -> None:
    verdict = audit.verify(session)
    assert verdict.ok and verdict.entries == 0


def test_edit_delete_and_truncate_are_detected(runtime, clock) -> None:
    write(runtime, *(event(clock, n) for n in range(1, 5)))
    with runtime.session_factory.begin() as s:
        s.execute(update(AuditEntryRecord).where(AuditEntryRecord.seq == 2).values(status=403))
    with runtime.session_factory() as s:
        verdict = audit.verify(s)
    assert not verdict.ok and verdict.first_bad_seq == 2 and "edited" in verdict.problems[0]

    with runtime.session_factory.begin() as s:
        s.execute(update(AuditEntryRecord).where(AuditEntryRecord.seq == 2).values(status=200))
        s.execute(delete(AuditEntryRecord).where(AuditEntryRecord.seq == 3))
    with runtime.session_factory() as s:
        verdict = audit.verify(s)
    assert not verdict.ok and verdict.first_bad_seq == 4

    with runtime.session_factory.begin() as s:
        s.execute(delete(AuditEntryRecord).where(AuditEntryRecord.seq >= 3))
    with runtime.session_factory() as s:
        verdict = audit.verify(s)
    assert not verdict.ok and "records 4 entries but 2 exist" in verdict.problems[0]


def test_rewriting_the_head_without_the_entries_is_detected(runtime, clock) -> None:
    write(runtime, event(clock, 1), event(clock, 2))
    with runtime.session_factory.begin() as s:
        s.execute(update(AuditStateRecord).values(head="f" * 64))
    with runtime.session_factory() as s:
        verdict = audit.verify(s)
    assert not verdict.ok and "head" in verdict.problems[0]


def test_concurrent_writers_make_one_unbroken_chain(runtime, clock) -> None:
    errors: list[BaseException] = []

    def worker(offset: int) -> None:
        try:
            for n in range(10):
                write(runtime, event(clock, offset + n, actor=f"w{offset}"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(k * 100,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with runtime.session_factory() as s:
        verdict = audit.verify(s)
    assert verdict.ok and verdict.entries == 40


def test_filters(runtime, clock) -> None:
    write(runtime, event(clock, 1, actor="alice"), event(clock, 2, actor="bob", status=403),
          event(clock, 3, actor="alice", status=422))
    with runtime.session_factory() as s:
        assert [r.seq for r in audit.entries(s, actor="alice")] == [3, 1]
        assert [r.seq for r in audit.entries(s, outcome="denied")] == [2]
        assert [r.seq for r in audit.entries(s, before=3, limit=1)] == [2]


def test_outcomes() -> None:
    assert [outcome_of(s) for s in (200, 201, 204, 302, 400, 401, 403, 404, 409, 413, 422, 429, 500, 503)] == [
        "success", "success", "success", "success", "rejected", "denied", "denied", "rejected", "rejected",
        "rejected", "rejected", "limited", "error", "error"]


def test_writer_commits_concurrent_entries_in_order_in_one_chain(runtime, clock) -> None:
    writer = AuditWriter(runtime.session_factory)
    futures = [writer.submit(event(clock, n)) for n in range(1, 51)]
    for future in futures:
        future.result(timeout=30)
    with runtime.session_factory() as s:
        verdict = audit.verify(s)
        rows = audit.entries(s, limit=100)
    assert verdict.ok and verdict.entries == 50
    assert [r.request_id for r in reversed(rows)] == [f"req-{n}" for n in range(1, 51)]


def test_writer_fails_only_the_bad_entry(runtime, clock) -> None:
    writer = AuditWriter(runtime.session_factory)
    bad = AuditEvent(at=clock.now().replace(tzinfo=None), actor="x", role=None, via="anonymous", method="POST",
                     path="/x", action="POST /x", status=200, request_id="bad")
    good, broken = writer.submit(event(clock, 1)), writer.submit(bad)
    good.result(timeout=30)
    with pytest.raises(Exception, match="naive"):
        broken.result(timeout=30)
    with runtime.session_factory() as s:
        assert audit.verify(s).entries == 1


def test_writer_thread_stops_when_idle(runtime, clock, monkeypatch) -> None:
    monkeypatch.setattr(audit_writer, "IDLE_SECONDS", 0.05)
    writer = AuditWriter(runtime.session_factory)
    writer.write(event(clock, 1))
    deadline = time.monotonic() + 60
    while writer._thread is not None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert writer._thread is None
    writer.write(event(clock, 2))  # starts again on demand
    with runtime.session_factory() as s:
        assert audit.verify(s).entries == 2
