"""Silences in storage, on SQLite and PostgreSQL: create, list by state, expire, usage bookkeeping."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from firebreak.db.models.route import SilenceRecord
from firebreak.kernel.clock import FixedClock
from firebreak.kernel.errors import Conflict, InvalidInput, NotFound
from firebreak.route import silences_store

HOUR = timedelta(hours=1)


def make(session: Session, clock: FixedClock, matchers: list[str] | None = None, *,
         start: timedelta = timedelta(0), length: timedelta = HOUR) -> SilenceRecord:
    now = clock.now()
    return silences_store.create(session=session, matchers=matchers or ['service="api"'],
                                 starts_at=now + start, ends_at=now + start + length, created_by="ana",
                                 comment="deploying api", now=now)


def test_create_and_read_back(session: Session, clock: FixedClock) -> None:
    record = make(session, clock, ['service="api"', 'severity=~"warning|info"'])
    session.commit()
    session.expunge_all()
    stored = silences_store.get(session=session, silence_id=record.id)
    assert stored.matchers == ['service="api"', 'severity=~"warning|info"']
    assert stored.starts_at == clock.now() and stored.ends_at == clock.now() + HOUR
    assert (stored.created_by, stored.comment, stored.match_count) == ("ana", "deploying api", 0)
    silence = silences_store.to_silence(stored)
    assert silence.matches({"service": "api", "severity": "info"})
    assert not silence.matches({"service": "api", "severity": "critical"})


def test_services_do_not_commit(session: Session, clock: FixedClock) -> None:
    record = make(session, clock)
    session.rollback()
    with pytest.raises(NotFound):
        silences_store.get(session=session, silence_id=record.id)


@pytest.mark.parametrize(
    ("matchers", "field"),
    [([], "matchers"), (['job=~"("'], "matchers[0]"), (['service="api"', "nonsense"], "matchers[1]"),
     (['team=""'], "matchers"), (['team=~".*"'], "matchers")],
)
def test_bad_matchers(session: Session, clock: FixedClock, matchers: list[str], field: str) -> None:
    now = clock.now()
    with pytest.raises(InvalidInput) as caught:
        silences_store.create(session=session, matchers=matchers, ends_at=now + HOUR, created_by="a",
                              comment="c", now=now)
    assert caught.value.field == field


def test_bad_windows_and_missing_comment(session: Session, clock: FixedClock) -> None:
    now = clock.now()
    def attempt(**overrides: object) -> str | None:
        args: dict[str, object] = {"matchers": ['a="b"'], "ends_at": now + HOUR, "created_by": "a",
                                   "comment": "c", "now": now, **overrides}
        with pytest.raises(InvalidInput) as caught:
            silences_store.create(session=session, **args)  # type: ignore[arg-type]
        return caught.value.field
    assert attempt(ends_at=now) == "ends_at"
    assert attempt(starts_at=now - 2 * HOUR, ends_at=now - HOUR) == "ends_at"
    assert attempt(ends_at=(now + HOUR).replace(tzinfo=None)) == "ends_at"
    assert attempt(comment="   ") == "comment"
    assert attempt(created_by="") == "created_by"
    assert session.query(SilenceRecord).count() == 0


def test_states_and_listing(session: Session, clock: FixedClock) -> None:
    active = make(session, clock)
    pending = make(session, clock, start=HOUR)
    over = make(session, clock, length=timedelta(minutes=1))
    clock.advance(timedelta(minutes=5))
    now = clock.now()
    def ids(state: str) -> set[str]:
        return {r.id for r in silences_store.get_all(session=session, now=now, state=state)}  # type: ignore[arg-type]
    assert ids("active") == {active.id}
    assert ids("pending") == {pending.id}
    assert ids("expired") == {over.id}
    assert ids("all") == {active.id, pending.id, over.id}
    assert [s.id for s in silences_store.active(session=session, now=now)] == [active.id]
    assert silences_store.state_of(pending, now) == "pending"


def test_silence_edges_in_storage(session: Session, clock: FixedClock) -> None:
    record = make(session, clock)
    start, end = record.starts_at, record.ends_at
    tick = timedelta(microseconds=1)
    assert silences_store.active(session=session, now=start - tick) == []
    assert len(silences_store.active(session=session, now=start)) == 1
    assert len(silences_store.active(session=session, now=end - tick)) == 1
    assert silences_store.active(session=session, now=end) == []


def test_expire(session: Session, clock: FixedClock) -> None:
    active, pending = make(session, clock), make(session, clock, start=HOUR)
    clock.advance(timedelta(minutes=10))
    now = clock.now()
    done = silences_store.expire(session=session, silence_id=active.id, now=now, by="bo")
    assert done.ends_at == now and done.expired_by == "bo"
    assert silences_store.state_of(done, now) == "expired"
    never = silences_store.expire(session=session, silence_id=pending.id, now=now, by="bo")
    assert never.starts_at == never.ends_at == now
    with pytest.raises(Conflict, match="already expired"):
        silences_store.expire(session=session, silence_id=active.id, now=now, by="bo")
    with pytest.raises(NotFound):
        silences_store.expire(session=session, silence_id="no-such-id", now=now, by="bo")
    assert silences_store.active(session=session, now=now) == []


def test_usage_and_expiry_reports(session: Session, clock: FixedClock) -> None:
    week = timedelta(days=7)
    used = make(session, clock, length=3 * week)
    idle = make(session, clock, ['service="web"'], length=3 * week)
    soon = make(session, clock, ['service="db"'], length=week + timedelta(minutes=30))
    clock.advance(timedelta(days=5))
    silences_store.record_matches(session=session, silence_ids=[used.id, "config-0"], now=clock.now())
    silences_store.record_matches(session=session, silence_ids=[used.id], now=clock.now())
    session.expire_all()
    assert silences_store.get(session=session, silence_id=used.id).match_count == 2
    clock.advance(timedelta(days=2))
    now = clock.now()
    assert {r.id for r in silences_store.unused(session=session, now=now)} == {idle.id, soon.id}
    assert [r.id for r in silences_store.expiring(session=session, now=now, within=HOUR)] == [soon.id]
    warned = silences_store.claim_expiry_warnings(session=session, now=now, within=HOUR)
    assert [r.id for r in warned] == [soon.id] and warned[0].created_by == "ana"
    assert silences_store.claim_expiry_warnings(session=session, now=now, within=HOUR) == []
