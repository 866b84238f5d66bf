"""Storage on SQLite and PostgreSQL: save, re-import with history, list, search, show, attach to incidents."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from firebreak.db.models.runbook import RunbookVersionRecord
from firebreak.incident import service, timeline
from firebreak.ingest.alert import Alert
from firebreak.kernel.clock import FixedClock
from firebreak.kernel.errors import InvalidInput, NotFound
from firebreak.runbook.library import store
from firebreak.runbook.match import attach
from tests.runbook.corpus import by_title, seed_runbooks


def open_incident(session: Session, clock: FixedClock) -> int:
    incident = service.open_incident(session, title="DB pool", severity=None, service="backend", team=None,
                                     escalation_policy=None, group_key="k", now=clock.now(), actor="test", data={})
    return incident.id


def alert(name: str, summary: str = "", **labels: str) -> Alert:
    return Alert(source="alertmanager", fingerprint="f", status="firing", labels={"alertname": name, **labels},
                 annotations={"summary": summary}, summary=summary or name, severity_hint=None, starts_at=None,
                 ends_at=None)


def test_save_then_reimport_keeps_history_and_counts_changes(session: Session, clock: FixedClock) -> None:
    runbooks = list(seed_runbooks())
    first = store.save_runbooks(session, runbooks=runbooks, now=clock.now(), actor="alice")
    assert len(first.created) == len(runbooks) and not first.updated
    session.commit()
    again = store.save_runbooks(session, runbooks=runbooks, now=clock.now(), actor="alice")
    assert len(again.unchanged) == len(runbooks) and not again.created and not again.updated
    target = by_title("003", "Database Connection Pool Exhausted")
    changed = replace(target, title="Database Connection Pool Exhausted (edited)")
    clock.advance(timedelta(hours=1))
    third = store.save_runbooks(session, runbooks=[changed], now=clock.now(), actor="bob")
    assert third.updated == [target.slug]
    session.commit()
    versions = store.history(session, slug=target.slug)
    assert [(v.version, v.imported_by) for v in versions] == [(1, "alice"), (2, "bob")]
    assert store.get_runbook(session, slug=target.slug).title.endswith("(edited)")
    assert session.scalar(select(func.count()).select_from(RunbookVersionRecord)) == len(runbooks) + 1


def test_stored_runbooks_round_trip_with_their_commands(session: Session, clock: FixedClock) -> None:
    original = by_title("000", "JWT Token Compromise")
    store.save_runbooks(session, runbooks=[original], now=clock.now())
    session.commit()
    assert store.get_runbook(session, slug=original.slug) == original


def test_list_filters_by_kind_and_search_matches_every_word(session: Session, clock: FixedClock) -> None:
    store.save_runbooks(session, runbooks=list(seed_runbooks()), now=clock.now())
    session.commit()
    scenarios = store.list_runbooks(session, kind="scenario", limit=500)
    assert scenarios.total == 34 and all(r.kind == "scenario" for r in scenarios.items)
    assert store.list_runbooks(session, kind="process", limit=1).total == 32
    found = [r.title for r in store.search(session, query="FLUSHDB redis")]
    assert found == ["JWT Token Compromise", "Response Process", "Redis Memory Exhaustion"]
    assert store.search(session, query="DatabaseConnectionPoolExhausted")[0].title == \
        "Database Connection Pool Exhausted"
    assert store.search(session, query="100%_literal") == []


def test_unknown_slugs_and_duplicate_slugs_are_clear_errors(session: Session, clock: FixedClock) -> None:
    with pytest.raises(NotFound, match="runbook 'nope' not found"):
        store.get_runbook(session, slug="nope")
    runbook = by_title("000", "Memory Leaks")
    with pytest.raises(InvalidInput, match="appears twice"):
        store.save_runbooks(session, runbooks=[runbook, runbook], now=clock.now())


def test_best_match_attaches_once_with_a_timeline_entry(session: Session, clock: FixedClock) -> None:
    store.save_runbooks(session, runbooks=list(seed_runbooks()), now=clock.now())
    incident_id = open_incident(session, clock)
    attached = attach.attach_best_match(session, incident_id=incident_id,
                                        alerts=[alert("DatabaseConnectionPoolExhausted", "Connection pool exhausted")],
                                        now=clock.now())
    assert attached is not None
    assert attached["slug"] == "003-e553a3c957542cac/database-connection-pool-exhausted"
    assert attached["score"] >= 80 and attached["reasons"]
    session.commit()
    again = attach.attach_best_match(session, incident_id=incident_id, alerts=[alert("HighErrorRate")],
                                     now=clock.now())
    assert again == attached
    entries = [e for e in timeline.entries(session, incident_id=incident_id) if e.kind == "runbook.attached"]
    assert len(entries) == 1 and entries[0].data["slug"] == attached["slug"] and entries[0].actor == "firebreak"
    assert timeline.verify(session, incident_id=incident_id).ok
    assert attach.current_attachment(session, incident_id) == attached


def test_nothing_is_attached_when_nothing_fits(session: Session, clock: FixedClock) -> None:
    store.save_runbooks(session, runbooks=list(seed_runbooks()), now=clock.now())
    incident_id = open_incident(session, clock)
    assert attach.attach_best_match(session, incident_id=incident_id, alerts=[alert("Watchdog", "Always firing")],
                                    now=clock.now()) is None
    assert attach.current_attachment(session, incident_id) is None


def test_a_responder_attaches_another_runbook(session: Session, clock: FixedClock) -> None:
    store.save_runbooks(session, runbooks=list(seed_runbooks()), now=clock.now())
    incident_id = open_incident(session, clock)
    attach.attach_best_match(session, incident_id=incident_id, alerts=[alert("HighErrorRate")], now=clock.now())
    clock.advance(timedelta(minutes=3))
    chosen = by_title("002", "Elevated Error Rate")
    out = attach.attach(session, incident_id=incident_id, slug=chosen.slug, actor="carol", now=clock.now())
    session.commit()
    assert out == {"slug": chosen.slug, "title": "Elevated Error Rate", "source_path": chosen.source_path,
                   "score": None, "reasons": ["chosen by carol"]}
    assert attach.current_attachment(session, incident_id) == out
    kinds = [(e.kind, e.actor) for e in timeline.entries(session, incident_id=incident_id)]
    assert kinds[-2:] == [("runbook.attached", "firebreak"), ("runbook.attached", "carol")]
    with pytest.raises(NotFound):
        attach.attach(session, incident_id=incident_id, slug="missing", actor="carol", now=clock.now())
