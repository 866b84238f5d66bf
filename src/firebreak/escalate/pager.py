"""Escalate: paging one level — find the people, render their messages, write the outbox (never commits)."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from firebreak.db.models.core import IncidentRecord
from firebreak.escalate.directory import Directory
from firebreak.escalate.override import Override
from firebreak.escalate.policy import Level
from firebreak.escalate.targets import resolve
from firebreak.incident import timeline
from firebreak.notify import ack_link, outbox
from firebreak.notify.apprise_channel import redact
from firebreak.notify.channel import family_of
from firebreak.notify.console import ConsoleChannel
from firebreak.notify.contact import Person
from firebreak.notify.render import TemplateProblem

ACTOR = "firebreak:escalation"


def page_level(session: Session, *, incident: IncidentRecord, escalation_id: int, turn_seq: int, kind: str,
               level: Level, round_: int, policy: str, due: datetime, directory: Directory, now: datetime,
               overrides: Mapping[str, Sequence[Override]]) -> int:
    """Page everyone `level` names (as on call at `due`); returns how many notifications were queued."""
    resolution = resolve(directory, level.targets, due, overrides)
    queued = 0
    paged: list[dict[str, Any]] = []
    unreachable: list[str] = []
    for recipient in resolution.recipients:
        person = directory.people[recipient.handle]
        if not person.contacts:
            unreachable.append(person.handle)
            continue
        context = page_context(directory, incident, person, level=level.number, round_=round_, kind=kind,
                               policy=policy, now=now)
        drafts = []
        for index, contact in enumerate(person.contacts):
            try:
                rendered = directory.templates.render(family_of(contact.target), context)
            except TemplateProblem as exc:
                rendered = directory.templates.render("default", context)
                note(session, incident, "notification.template_error",
                      {"user": person.handle, "channel": exc.channel, "error": str(exc)}, now)
            drafts.append(outbox.Draft(index, contact, display_target(contact.target), rendered))
        outbox.enqueue(session, incident_id=incident.id, escalation_id=escalation_id, turn_seq=turn_seq, kind=kind,
                       level=level.number, user=person.handle, drafts=drafts, due=due, now=now)
        queued += len(drafts)
        paged.append({"user": person.handle, "via": recipient.via,
                      "contacts": [draft.target_display for draft in drafts]})
    note(session, incident, "escalation.repaged" if kind == "repage" else "escalation.paged",
         {"policy": policy, "severity": incident.severity, "level": level.number, "round": round_,
          "turn": turn_seq, "targets": list(level.targets), "paged": paged,
          "problems": list(resolution.problems), "due_at": due.isoformat()}, now)
    for handle in unreachable:
        note(session, incident, "notification.unreachable",
              {"user": handle, "level": level.number, "reason": "no contact method configured"}, now)
    return queued


def page_context(directory: Directory, incident: IncidentRecord, person: Person, *, level: int, round_: int,
                 kind: str, policy: str, now: datetime) -> dict[str, Any]:
    """The values a notification template can use."""
    base = directory.base_url.rstrip("/")
    token = ack_link.sign(directory.secret, incident_id=incident.id, user=person.handle, now=now,
                          ttl=directory.ack_link_ttl)
    return {
        "incident": {"id": incident.id, "title": incident.title, "severity": incident.severity,
                     "service": incident.service, "team": incident.team, "status": incident.status,
                     "url": incident_url(base, incident.id)},
        "page": {"level": level, "round": round_, "kind": kind, "policy": policy},
        "user": {"handle": person.handle, "name": person.name},
        "ack_url": f"{base}/ack/{token}",
        "ack_expires_at": (now + directory.ack_link_ttl).isoformat(),
    }


def incident_url(base: str, incident_id: int) -> str:
    """Where a page points for the incident: its page in the console."""
    return f"{base}/incidents/{incident_id}"


@functools.lru_cache(maxsize=4096)
def display_target(target: str) -> str:
    """A contact address safe to show (secrets masked); cached, as parsing addresses is not cheap."""
    if ConsoleChannel.valid(target):
        return target
    return redact(target)


def note(session: Session, incident: IncidentRecord, kind: str, data: dict[str, Any], now: datetime) -> None:
    timeline.append(session, incident_id=incident.id, kind=kind, actor=ACTOR, data=data, at=now, incident=incident)
