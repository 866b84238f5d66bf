"""Communicate: telling chat and stakeholders — updates and incident changes as short messages, via the outbox.

Each message carries a link to the incident. Chat gets what `communicate.chat.post` names, on the
chat targets of every incident, of the incident's team and of its own channel; a stakeholder list
gets what its `receive` names, for the severities it follows. Never commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from firebreak.communicate.channel import channel_name
from firebreak.communicate.rules import Rules
from firebreak.db.models.communicate import IncidentChannelRecord, StatusUpdateRecord
from firebreak.db.models.core import IncidentRecord
from firebreak.escalate.directory import Directory
from firebreak.escalate.pager import display_target, incident_url
from firebreak.incident.lifecycle import Transition
from firebreak.notify import outbox
from firebreak.notify.render import Rendered

CHAT = "chat"
STAKEHOLDER = "stakeholder"
ROLE_WORDS = {"incident_commander": "Incident commander", "technical_lead": "Technical lead",
              "communications_lead": "Communications lead", "on_call_engineer": "On-call engineer"}


def open_channel(session: Session, *, incident: IncidentRecord, rules: Rules, now: datetime) -> IncidentChannelRecord:
    """Name the incident's chat channel (creating the channel itself is the chat service's business)."""
    record = session.get(IncidentChannelRecord, incident.id)
    if record is None:
        record = IncidentChannelRecord(incident_id=incident.id, created_at=now, name=channel_name(
            rules.channel_pattern, incident_id=incident.id, title=incident.title, opened_at=incident.created_at))
        session.add(record)
        session.flush()
    return record


def channel_of(session: Session, *, incident_id: int) -> str | None:
    record = session.get(IncidentChannelRecord, incident_id)
    return record.name if record is not None else None


def channels_of(session: Session, *, incident_ids: Sequence[int]) -> dict[int, str]:
    """The channel names of several incidents in one query, by incident id."""
    if not incident_ids:
        return {}
    rows = session.scalars(select(IncidentChannelRecord).where(IncidentChannelRecord.incident_id.in_(incident_ids)))
    return {row.incident_id: row.name for row in rows}


def link(base_url: str, incident: IncidentRecord) -> str:
    return f"Incident: {incident_url(base_url.rstrip('/'), incident.id)}"


def update_message(incident: IncidentRecord, update: StatusUpdateRecord, base_url: str) -> Rendered:
    body = update.body if "Incident: " in update.body else f"{update.body}\n{link(base_url, incident)}"
    where = "Public update (status page)" if update.visibility == "public" else "Update"
    return Rendered(f"#{incident.id} {update.title}", f"{body}\n{where} by {update.posted_by}")


def role_message(incident: IncidentRecord, role: str, previous: str | None, assignee: str | None, actor: str,
                 base_url: str) -> Rendered:
    words = ROLE_WORDS.get(role, role)
    now = assignee.removeprefix("external:") if assignee else "unassigned"
    return Rendered(f"#{incident.id} {words}: {now}",
                    f"{words} of #{incident.id} {incident.title}: {previous or 'nobody'} → {now} (by {actor})\n"
                    f"{link(base_url, incident)}")


def severity_message(incident: IncidentRecord, previous: str | None, actor: str, base_url: str) -> Rendered:
    return Rendered(f"#{incident.id} is {incident.severity}",
                    f"Severity of #{incident.id} {incident.title}: {previous or 'unset'} → {incident.severity} "
                    f"(by {actor})\n{link(base_url, incident)}")


def status_message(incident: IncidentRecord, move: Transition, actor: str, base_url: str) -> Rendered:
    return Rendered(f"#{incident.id} is {move.target}",
                    f"#{incident.id} {incident.title}: {move.source} → {move.target} (by {actor})\n"
                    f"{link(base_url, incident)}")


def opened_message(incident: IncidentRecord, channel: str, base_url: str) -> Rendered:
    return Rendered(f"#{incident.id} [{incident.severity or 'unset'}] {incident.title}",
                    f"New incident #{incident.id} [{incident.severity or 'unset'}] {incident.title}\n"
                    f"Service: {incident.service or 'unknown'} · Team: {incident.team or 'none'} · Channel: {channel}\n"
                    f"{link(base_url, incident)}")


def tell(session: Session, *, incident: IncidentRecord, rules: Rules, directory: Directory, rendered: Rendered,
         chat_event: str | None, stakeholder_event: str | None, now: datetime,
         update_id: int | None = None) -> int:
    """Queue `rendered` to the chat targets and stakeholder lists that want this event; how many were queued."""
    queued = 0
    if chat_event in rules.chat_post:
        channel = channel_of(session, incident_id=incident.id)
        for recipient in rules.chat_recipients(incident.team, channel):
            queued += send_to_list(session, incident=incident, recipient=recipient, directory=directory,
                                   rendered=rendered, kind=CHAT, now=now, update_id=update_id)
    if stakeholder_event is not None:
        for stakeholders in rules.stakeholders_for(incident.severity):
            if stakeholder_event in stakeholders.receive:
                queued += send_to_list(session, incident=incident, recipient=stakeholders.recipient,
                                       directory=directory, rendered=rendered, kind=STAKEHOLDER, now=now,
                                       update_id=update_id)
    return queued


def send_to_list(session: Session, *, incident: IncidentRecord, recipient: str, directory: Directory,
                 rendered: Rendered, kind: str, now: datetime, cadence_id: int | None = None, turn_seq: int = 0,
                 update_id: int | None = None) -> int:
    """Queue one message to every contact of a configured address list (a chat target, a stakeholder list)."""
    person = directory.recipient(recipient)
    if person is None or not person.contacts:
        return 0
    drafts = [outbox.Draft(index, contact, display_target(contact.target), rendered)
              for index, contact in enumerate(person.contacts)]
    outbox.enqueue(session, incident_id=incident.id, escalation_id=None, cadence_id=cadence_id, update_id=update_id,
                   turn_seq=turn_seq, kind=kind, level=0, user=recipient, drafts=drafts, due=now, now=now)
    return len(drafts)
