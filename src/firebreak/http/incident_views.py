"""Incident views for the API and the CLI: one builder, so a list item and the detail always agree."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from firebreak.communicate.notices import channels_of
from firebreak.communicate.reminders import of_incidents as cadences_of
from firebreak.db.models.core import IncidentRecord
from firebreak.escalate.engine import of_incidents as escalations_of
from firebreak.http.schemas import IncidentOut, IncidentSummary, UpdatesSummary, incident_out, incident_summary
from firebreak.incident import service
from firebreak.incident.lifecycle import allowed_from
from firebreak.runtime import Runtime


def summaries(session: Session, runtime: Runtime, records: Sequence[IncidentRecord]) -> list[IncidentSummary]:
    """List items: roles, runbooks and escalations of the whole slice read in one query each."""
    ids = [record.id for record in records]
    roles = service.roles_of(session, incident_ids=ids)
    runbooks = runtime.runbooks_of(session, ids)
    escalations = escalations_of(session, incident_ids=ids)
    cadences = cadences_of(session, incident_ids=ids)
    channels = channels_of(session, incident_ids=ids)
    now = runtime.clock.now()
    return [incident_summary(record, allowed=allowed_from(record.status), roles=roles.get(record.id, {}),
                             runbook=runbooks.get(record.id), escalation=escalations.get(record.id),
                             updates=UpdatesSummary.of(cadences[record.id], now) if record.id in cadences else None,
                             chat_channel=channels.get(record.id))
            for record in records]


def detail(session: Session, runtime: Runtime, record: IncidentRecord) -> IncidentOut:
    """The full view of one incident: its list item and its alerts."""
    return incident_out(summaries(session, runtime, [record])[0],
                        service.alerts_of(session, incident_id=record.id))
