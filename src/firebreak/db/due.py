"""DB: due timer rows — claimed with SKIP LOCKED, their incidents locked, a failing row isolated.

Timers are rows (escalations, update cadences): a worker tick selects the due ones `FOR UPDATE SKIP
LOCKED`, so concurrent workers take disjoint sets, then locks their incidents the same way (an incident
being changed right now is skipped, never waited for), acts and commits once. When the batch fails,
its rows are retried one per transaction and a row that still fails is postponed, so one bad row
never holds up the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, sessionmaker

from firebreak.db.models.core import IncidentRecord
from firebreak.db.session import transaction

T = TypeVar("T")


def claim(session: Session, query: Select[Any]) -> list[Any]:
    """The rows of `query` that no other transaction holds, locked for this one."""
    return list(session.scalars(query.with_for_update(skip_locked=True)))


def lock_incidents(session: Session, incident_ids: Sequence[int]) -> dict[int, IncidentRecord]:
    """The incidents no other transaction is changing, locked in id order (the order every writer uses)."""
    if not incident_ids:
        return {}
    return {incident.id: incident for incident in session.scalars(
        select(IncidentRecord).where(IncidentRecord.id.in_(sorted(set(incident_ids))))
        .order_by(IncidentRecord.id).with_for_update(skip_locked=True))}


def run_isolated(factory: sessionmaker[Session], *, batch: Callable[[Session, int | None], list[T]],
                 due_ids: Callable[[Session], list[int]], postpone: Callable[[Session, int], None],
                 what: str, log: logging.Logger) -> list[T]:
    """Run `batch(session, None)` in one transaction; on failure, each due row alone, postponing failures."""
    try:
        with transaction(factory) as session:
            return batch(session, None)
    except Exception:
        log.exception("%s batch failed; retrying its rows one by one", what)
    outcomes: list[T] = []
    with transaction(factory) as session:
        ids = due_ids(session)
    for row_id in ids:
        try:
            with transaction(factory) as session:
                outcomes.extend(batch(session, row_id))
        except Exception:
            log.exception("%s %s failed; trying again in a minute", what, row_id)
            with transaction(factory) as session:
                postpone(session, row_id)
    return outcomes
