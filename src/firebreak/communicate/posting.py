"""Communicate: posting an update — the steps it takes, in order, in the caller's transaction (never commits).

Draft what the responder left out, store the update, re-time the cadence (pending reminders are
cancelled), then tell chat and the stakeholder lists that want it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from firebreak.communicate import drafts, notices, reminders, updates
from firebreak.communicate.facts import PUBLIC_STATUSES, ComponentState, UpdateFields
from firebreak.communicate.rules import Rules
from firebreak.communicate.templates import PUBLIC_KINDS
from firebreak.db.models.communicate import StatusUpdateRecord
from firebreak.db.models.core import IncidentRecord
from firebreak.escalate.directory import Directory
from firebreak.kernel.errors import InvalidInput

MAX_NEXT_UPDATE = timedelta(days=7)


@dataclass(frozen=True)
class UpdateRequest:
    """What a responder posts: the kind (or just the visibility), the fields, the edited text if any."""

    kind: str | None = None
    visibility: str | None = None
    fields: UpdateFields = field(default_factory=UpdateFields)
    body: str | None = None
    next_update_in: timedelta | None = None


def check(request: UpdateRequest) -> None:
    """InvalidInput for a request that cannot be posted as it is."""
    if request.kind is not None:
        updates.check_kind(request.kind, request.visibility)
    elif request.visibility is not None:
        updates.check_visibility(request.visibility)
    public = request.visibility == "public" or request.kind in PUBLIC_KINDS
    status = request.fields.status
    if public and status is not None and status not in PUBLIC_STATUSES:
        raise InvalidInput(f"a public update's status is one of {', '.join(PUBLIC_STATUSES)}, not {status!r}",
                           field="status")
    if request.next_update_in is not None and not timedelta(0) < request.next_update_in <= MAX_NEXT_UPDATE:
        raise InvalidInput("next_update_in is between one second and seven days", field="next_update_in")


def post_update(session: Session, *, incident: IncidentRecord, request: UpdateRequest, rules: Rules,
                directory: Directory, actor: str, now: datetime,
                components: list[ComponentState] | None = None) -> StatusUpdateRecord:
    """Post an update on a locked incident: stored, cadence re-timed, chat and stakeholders told."""
    check(request)
    drafted = drafts.draft(session, incident=incident, rules=rules, base_url=directory.base_url, now=now,
                           kind=request.kind, visibility=request.visibility, fields=request.fields,
                           next_update=request.next_update_in, components=components)
    public = drafted.visibility == "public"
    record = updates.post(
        session, incident=incident, kind=drafted.kind, status=drafted.status[:32],
        title=request.fields.title or drafted.title, body=request.body or drafted.body,
        components=drafts.components_json(drafted.components) if public else [],
        next_update_at=drafted.next_update_at, actor=actor, now=now)
    reminders.on_update(session, incident=incident, rules=rules, posted_at=now, promised=drafted.next_update_at)
    notices.tell(session, incident=incident, rules=rules, directory=directory,
                 rendered=notices.update_message(incident, record, directory.base_url), chat_event="updates",
                 stakeholder_event="public_updates" if public else "internal_updates", now=now, update_id=record.id)
    return record
