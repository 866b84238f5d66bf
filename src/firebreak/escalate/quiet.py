"""Escalate: incidents that do not page — low urgency tells the team's contacts once, none only records.

Never commits: the notifications are outbox rows written in the incident's own transaction,
sent by the worker after commit. No escalation, no repeat, nobody woken.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from firebreak.db.models.core import IncidentRecord
from firebreak.escalate.directory import TEAM_PREFIX, TRACKER_PREFIX, Directory
from firebreak.escalate.pager import display_target, note, page_context
from firebreak.escalate.urgency import UrgencyDecision
from firebreak.notify import outbox
from firebreak.notify.channel import family_of
from firebreak.notify.render import TemplateProblem

LOW_URGENCY = "low_urgency"
TRACKER = "tracker"


def notify_quietly(session: Session, *, incident: IncidentRecord, directory: Directory, decision: UrgencyDecision,
                   now: datetime) -> int:
    """Low urgency: queue one message per low-urgency contact of the team; none: post to its tracker, if any.

    Either way the timeline says what happened and why; returns how many notifications were queued.
    """
    team = incident.team or ""
    if decision.urgency == "low":
        handle, kind = f"{TEAM_PREFIX}{team}", LOW_URGENCY
    else:
        handle, kind = f"{TRACKER_PREFIX}{team}", TRACKER
    person = directory.recipient(handle)
    contacts = person.contacts if person is not None else ()
    drafts = []
    if person is not None and contacts:
        context = page_context(directory, incident, person, level=0, round_=0, kind=kind, policy="", now=now)
        for index, contact in enumerate(contacts):
            try:
                rendered = directory.templates.render(family_of(contact.target), context)
            except TemplateProblem:
                rendered = directory.templates.render("default", context)
            drafts.append(outbox.Draft(index, contact, display_target(contact.target), rendered))
        outbox.enqueue(session, incident_id=incident.id, escalation_id=None, turn_seq=0, kind=kind, level=0,
                       user=handle, drafts=drafts, due=now, now=now)
    data: dict[str, object] = {"severity": incident.severity, "urgency": decision.urgency, "team": incident.team,
                               "reason": decision.reason,
                               "notified": [draft.target_display for draft in drafts]}
    if decision.pages_at is not None:
        data["pages_at"] = decision.pages_at.isoformat()
    if decision.urgency == "low":
        if not drafts:
            data["problem"] = f"team {team or '(none)'} has no low_urgency_contacts: nobody was told"
        note(session, incident, "escalation.low_urgency", data, now)
    else:
        data["reason"] = f"{decision.reason}: recorded only" + (", posted to the tracker" if drafts else "")
        note(session, incident, "escalation.skipped", data, now)
    return len(drafts)
