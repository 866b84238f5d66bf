"""`firebreak incident` on the database directly: the incident service, audited under who is acting.

Loaded only when no server is configured (see `cli/lazy.py`). Answers have the API's JSON shape,
so the commands print both modes alike.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from firebreak.cli.database import change, open_runtime, unit_of_work
from firebreak.communicate.updates import check_visibility
from firebreak.flows.respond import acknowledge, assign_role, change_status
from firebreak.flows.respond import change_severity as change_incident_severity
from firebreak.http import responder_moves as moves
from firebreak.http.incident_views import detail, summaries
from firebreak.http.schemas import TimelineEntryOut
from firebreak.http.update_schemas import DraftOut, UpdateIn, UpdateOut, request_of
from firebreak.incident import service, timeline
from firebreak.kernel.errors import InvalidInput
from firebreak.runtime import Runtime


class LocalIncidents:
    """Incidents in the configured database; each change is one transaction with its audit entry."""

    def __init__(self, *, as_name: str | None = None) -> None:
        self.as_name = as_name
        self.runtime: Runtime = open_runtime()

    def __enter__(self) -> LocalIncidents:
        return self

    def __exit__(self, *exc: object) -> None:
        self.runtime.close()

    def list(self, *, status: list[str], severity: list[str], services: list[str], limit: int) -> list[dict[str, Any]]:
        with unit_of_work(self.runtime) as session:
            severities = [self.runtime.severity_named(word) for word in severity] or None
            page = service.list_incidents(session, status=status or None, severity=severities,
                                          service=services or None, limit=limit)
            return [item.model_dump(mode="json") for item in summaries(session, self.runtime, page.items)]

    def detail(self, incident_id: int) -> dict[str, Any]:
        with unit_of_work(self.runtime) as session:
            record = service.get(session, incident_id=incident_id)
            return detail(session, self.runtime, record).model_dump(mode="json")

    def move(self, incident_id: int, target: str, reason: str | None) -> None:
        action = "incident ack" if target == "acknowledged" else "incident transition"
        with change(self.runtime, action=action, target={"incident_id": incident_id, "status": target},
                    as_name=self.as_name) as done:
            if target == "acknowledged":
                acknowledge(done.session, incident_id=incident_id, actor=done.actor, now=done.now,
                            subscribers=self.runtime.subscribers)
            else:
                incident = service.get(done.session, incident_id=incident_id, lock=True)
                change_status(done.session, incident=incident, target=target, actor=done.actor, now=done.now,
                              subscribers=self.runtime.subscribers, reason=reason)

    def note(self, incident_id: int, text: str) -> None:
        with change(self.runtime, action="incident note", target={"incident_id": incident_id},
                    as_name=self.as_name) as done:
            incident = service.get(done.session, incident_id=incident_id, lock=True)
            service.add_note(done.session, incident=incident, text=text, actor=done.actor, now=done.now)

    def severity(self, incident_id: int, severity: str, reason: str | None) -> dict[str, Any]:
        level = self.runtime.severity_named(severity)
        with change(self.runtime, action="incident severity", target={"incident_id": incident_id,
                                                                      "severity": severity},
                    as_name=self.as_name) as done:
            incident = service.get(done.session, incident_id=incident_id, lock=True)
            change_incident_severity(done.session, incident=incident, severity=level, actor=done.actor,
                                     now=done.now, subscribers=self.runtime.subscribers, reason=reason)
        return self.detail(incident_id)

    def role(self, incident_id: int, role: str, assignee: str | None) -> None:
        with change(self.runtime, action="incident role", target={"incident_id": incident_id, "role": role},
                    as_name=self.as_name) as done:
            incident = service.get(done.session, incident_id=incident_id, lock=True)
            assign_role(done.session, incident=incident, role=role, assignee=assignee,
                        known=self.runtime.assignees(done.session), actor=done.actor, now=done.now,
                        subscribers=self.runtime.subscribers)

    def draft(self, incident_id: int, kind: str | None, visibility: str | None) -> dict[str, Any]:
        with unit_of_work(self.runtime) as session:
            if visibility is not None:
                check_visibility(visibility)
            record = service.get(session, incident_id=incident_id)
            drafted = self.runtime.communicator.draft(session, incident=record, kind=kind, visibility=visibility)
            return DraftOut.of(drafted).model_dump(mode="json")

    def post_update(self, incident_id: int, update: dict[str, Any]) -> dict[str, Any]:
        try:
            body = UpdateIn.model_validate({key: value for key, value in update.items() if value is not None})
        except ValidationError as exc:
            error = exc.errors()[0]
            field = ".".join(str(part) for part in error["loc"])
            raise InvalidInput(f"{field}: {error['msg']}", field=field) from exc
        request = request_of(body)
        with change(self.runtime, action="incident update", target={"incident_id": incident_id},
                    as_name=self.as_name) as done:
            incident = service.get(done.session, incident_id=incident_id, lock=True)
            posted = self.runtime.communicator.post(done.session, incident=incident, request=request,
                                                    actor=done.actor)
            return UpdateOut.of(posted).model_dump(mode="json")

    def timeline(self, incident_id: int) -> list[dict[str, Any]]:
        with unit_of_work(self.runtime) as session:
            service.get(session, incident_id=incident_id)
            return [TimelineEntryOut.of(e).model_dump(mode="json")
                    for e in timeline.entries(session, incident_id=incident_id)]

    def verify(self, incident_id: int) -> dict[str, Any]:
        with unit_of_work(self.runtime) as session:
            verdict = timeline.verify(session, incident_id=incident_id)
        return {"ok": verdict.ok, "entries": verdict.entries, "problems": list(verdict.problems)}


    def declare(self, fields: dict[str, Any]) -> dict[str, Any]:
        with change(self.runtime, action="incident declare",
                    target={"title": fields["title"], "severity": fields["severity"]}, as_name=self.as_name) as done:
            body = moves.read(moves.DeclareIn, fields)
            incident_id = moves.declare(done.session, self.runtime, body, actor=done.actor).id
        return self.detail(incident_id)

    def merge(self, incident_id: int, fields: dict[str, Any]) -> dict[str, Any]:
        with change(self.runtime, action="incident merge",
                    target={"incident_id": incident_id, "into": fields.get("into")}, as_name=self.as_name) as done:
            body = moves.read(moves.MergeIn, fields)
            survivor = moves.merge(done.session, self.runtime, incident_id, body, actor=done.actor).id
        return self.detail(survivor)
