"""Escalate endpoints: who is on call, schedules (timeline, gaps, iCalendar), overrides, delivery log, ack links."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import HTMLResponse
from jinja2 import Environment
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from firebreak.db.models.escalate import DeliveryAttemptRecord, OutboxRecord
from firebreak.escalate import auditor, engine, override_store
from firebreak.escalate.oncall import OnCallAnswer, calendar, schedule_named, who_is_on_call
from firebreak.escalate.schedule import GAP_HORIZON, Segment
from firebreak.flows.respond import acknowledge
from firebreak.http.deps import DB, PUBLIC, Responder, RuntimeDep, Viewer
from firebreak.http.problems import status_of
from firebreak.incident import service
from firebreak.incident.lifecycle import is_open
from firebreak.kernel.clock import as_utc
from firebreak.kernel.errors import FirebreakError, InvalidInput, NotFound
from firebreak.kernel.redact import redact
from firebreak.notify import ack_link, outbox
from firebreak.route import silences_store
from firebreak.runtime import Runtime

router = APIRouter(tags=["escalate"])
IncidentId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Days = Annotated[int, Query(ge=1, le=366, description="How many days to cover")]


class OnCallOut(BaseModel):
    """Who is on call for one schedule at one moment, why, and the bounds of that turn."""

    schedule: str
    user: str | None
    name: str | None
    reason: str = Field(description='"layer:<name>", "override:<ref>", or "" when nobody is on call')
    since: datetime = Field(description="When this turn began (looking back at most four weeks)")
    until: datetime = Field(description="When this turn ends (looking ahead at most four weeks)")


class OnCallList(BaseModel):
    at: datetime
    on_call: list[OnCallOut]


class SegmentOut(BaseModel):
    start: datetime
    end: datetime
    user: str | None
    reason: str


class ScheduleOut(BaseModel):
    name: str
    time_zone: str
    layers: list[str]
    on_call_now: OnCallOut


class OverrideIn(BaseModel):
    """A person covering a schedule (or one person on it) for a while."""

    schedule: str = Field(min_length=1, max_length=255)
    user: str = Field(min_length=1, max_length=255)
    start: datetime
    end: datetime
    replaces: str | None = Field(default=None, max_length=255)
    reason: str = Field(default="", max_length=2000)


class OverrideOut(BaseModel):
    id: int
    schedule: str
    user: str
    replaces: str | None
    start: datetime
    end: datetime
    reason: str
    created_by: str
    created_at: datetime


class AttemptOut(BaseModel):
    attempt: int
    outcome: str
    handed_at: datetime
    finished_at: datetime | None
    detail: str
    worker: str


class DeliveryOut(BaseModel):
    """One notification to one contact method, with every attempt to deliver it."""

    id: int
    kind: str
    level: int
    turn: int
    user: str
    contact_index: int
    channel: str
    target: str
    status: str
    due_at: datetime
    fallback: bool
    title: str
    last_error: str | None
    attempts: list[AttemptOut]


class EscalationOut(BaseModel):
    incident_id: int
    policy: str
    status: str
    turn: int
    turns_taken: int
    repages: int
    next_due_at: datetime | None
    ack_deadline_at: datetime | None
    acknowledged_by: str | None
    snapshot: dict[str, Any]


def stored_overrides(session: Session, since: datetime) -> dict[str, list[Any]]:
    return override_store.active_by_schedule(session, since=since - GAP_HORIZON)


def answer_out(answer: OnCallAnswer) -> OnCallOut:
    return OnCallOut(schedule=answer.schedule, user=answer.user, name=answer.name, reason=answer.reason,
                     since=answer.since, until=answer.until)


@router.get("/api/v1/oncall", response_model=OnCallList)
def get_on_call(db: DB, runtime: RuntimeDep, _caller: Viewer,
                at: Annotated[datetime | None, Query(description="Moment to ask about; naive = UTC")] = None,
                schedule: Annotated[str | None, Query(description="Only this schedule")] = None) -> OnCallList:
    moment = as_utc(at) if at is not None else runtime.clock.now()
    answers = who_is_on_call(runtime.escalator.directory(), moment, stored_overrides(db, moment), schedule)
    return OnCallList(at=moment, on_call=[answer_out(answer) for answer in answers])


@router.get("/api/v1/schedules", response_model=list[ScheduleOut])
def list_schedules(db: DB, runtime: RuntimeDep, _caller: Viewer) -> list[ScheduleOut]:
    now = runtime.clock.now()
    directory = runtime.escalator.directory()
    answers = who_is_on_call(directory, now, stored_overrides(db, now))
    return [ScheduleOut(name=answer.schedule, time_zone=str(directory.schedules[answer.schedule].tz),
                        layers=[layer.name for layer in directory.schedules[answer.schedule].layers],
                        on_call_now=answer_out(answer)) for answer in answers]


def window(runtime: Runtime, start: datetime | None, days: int) -> tuple[datetime, datetime]:
    begin = as_utc(start) if start is not None else runtime.clock.now()
    return begin, begin + timedelta(days=days)


def segments_out(segments: list[Segment]) -> list[SegmentOut]:
    return [SegmentOut(start=s.start, end=s.end, user=s.user, reason=s.reason) for s in segments]


@router.get("/api/v1/schedules/{name}.ics", response_class=Response,
            responses={200: {"content": {"text/calendar": {}}, "description": "The schedule's turns"}})
def export_schedule(name: str, db: DB, runtime: RuntimeDep, _caller: Viewer,
                    start: Annotated[datetime | None, Query()] = None, days: Days = 56) -> Response:
    begin, _end = window(runtime, start, days)
    document = calendar(runtime.escalator.directory(), name, start=begin, days=days,
                        overrides=stored_overrides(db, begin), stamp=runtime.clock.now())
    return Response(document, media_type="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="{name}.ics"'})


@router.get("/api/v1/schedules/{name}/timeline", response_model=list[SegmentOut])
def schedule_timeline(name: str, db: DB, runtime: RuntimeDep, _caller: Viewer,
                      start: Annotated[datetime | None, Query()] = None, days: Days = 14) -> list[SegmentOut]:
    schedule = schedule_named(runtime.escalator.directory(), name)
    begin, end = window(runtime, start, days)
    return segments_out(schedule.timeline(begin, end, stored_overrides(db, begin).get(name, [])))


@router.get("/api/v1/schedules/{name}/gaps", response_model=list[SegmentOut])
def schedule_gaps(name: str, db: DB, runtime: RuntimeDep, _caller: Viewer,
                  start: Annotated[datetime | None, Query()] = None, days: Days = 28) -> list[SegmentOut]:
    """Stretches when nobody is on call (default: the next four weeks)."""
    schedule = schedule_named(runtime.escalator.directory(), name)
    begin, end = window(runtime, start, days)
    return segments_out(schedule.gaps(begin, end, stored_overrides(db, begin).get(name, [])))


def override_out(record: Any) -> OverrideOut:
    return OverrideOut(id=record.id, schedule=record.schedule, user=record.user_handle, replaces=record.replaces,
                       start=record.starts_at, end=record.ends_at, reason=record.reason,
                       created_by=record.created_by, created_at=record.created_at)


@router.get("/api/v1/overrides", response_model=list[OverrideOut])
def list_overrides(db: DB, runtime: RuntimeDep, _caller: Viewer,
                   schedule: Annotated[str | None, Query()] = None,
                   include_past: Annotated[bool, Query()] = False) -> list[OverrideOut]:
    since = None if include_past else runtime.clock.now()
    return [override_out(r) for r in override_store.listing(db, schedule=schedule, ending_after=since)]


@router.post("/api/v1/overrides", response_model=OverrideOut, status_code=201)
def create_override(body: OverrideIn, db: DB, runtime: RuntimeDep, caller: Responder) -> OverrideOut:
    if body.start.tzinfo is None or body.end.tzinfo is None:
        raise InvalidInput("start and end need a time zone, e.g. 2025-01-01T09:00:00Z", field="start")
    record = override_store.create(db, directory=runtime.escalator.directory(), schedule=body.schedule,
                                   user=body.user, starts_at=body.start, ends_at=body.end, replaces=body.replaces,
                                   reason=body.reason, actor=caller.name, now=runtime.clock.now())
    return override_out(record)


@router.delete("/api/v1/overrides/{override_id}", status_code=204, response_class=Response)
def delete_override(override_id: Annotated[int, Path(ge=1, le=2**31 - 1)], db: DB,
                    _caller: Responder) -> Response:
    override_store.delete(db, override_id=override_id)
    return Response(status_code=204)


def deliveries_out(log: list[tuple[OutboxRecord, list[DeliveryAttemptRecord]]]) -> list[DeliveryOut]:
    return [DeliveryOut(id=row.id, kind=row.kind, level=row.level, turn=row.turn_seq, user=row.user_handle,
                        contact_index=row.contact_index, channel=row.channel, target=row.target, status=row.status,
                        due_at=row.due_at, fallback=row.fallback, title=row.title, last_error=row.last_error,
                        attempts=[AttemptOut(attempt=a.attempt, outcome=a.outcome, handed_at=a.handed_at,
                                             finished_at=a.finished_at, detail=a.detail, worker=a.worker)
                                  for a in attempts])
            for row, attempts in log]


@router.get("/api/v1/incidents/{incident_id}/deliveries", response_model=list[DeliveryOut])
def incident_deliveries(incident_id: IncidentId, db: DB, _caller: Viewer) -> list[DeliveryOut]:
    """The delivery log: every notification of the incident and every attempt to send it."""
    service.get(db, incident_id=incident_id)
    return deliveries_out(outbox.delivery_log(db, incident_id=incident_id))


@router.get("/api/v1/silences/{silence_id}/deliveries", response_model=list[DeliveryOut])
def silence_deliveries(silence_id: Annotated[str, Path(min_length=1, max_length=36)], db: DB,
                       _caller: Viewer) -> list[DeliveryOut]:
    """The delivery log of the warning to a silence's author that it ends soon."""
    silences_store.get(session=db, silence_id=silence_id)
    return deliveries_out(outbox.delivery_log(db, silence_id=silence_id))


@router.get("/api/v1/incidents/{incident_id}/escalation", response_model=EscalationOut)
def incident_escalation(incident_id: IncidentId, db: DB, _caller: Viewer) -> EscalationOut:
    service.get(db, incident_id=incident_id)
    row = engine.get(db, incident_id=incident_id)
    if row is None:
        raise NotFound(f"incident {incident_id} has no escalation")
    return EscalationOut(incident_id=row.incident_id, policy=row.policy, status=row.status, turn=row.turn,
                         turns_taken=row.seq, repages=row.repages, next_due_at=row.next_due_at,
                         ack_deadline_at=row.ack_deadline_at, acknowledged_by=row.acknowledged_by,
                         snapshot=row.snapshot)


class LateOut(BaseModel):
    """An escalation turn or notification still not done well after it fell due."""

    kind: str
    ref: int
    incident_id: int | None
    due_at: datetime
    late_seconds: float


@router.get("/api/v1/escalations/late", response_model=list[LateOut])
def late_work(db: DB, runtime: RuntimeDep, _caller: Viewer,
              grace: Annotated[int, Query(ge=0, le=86_400, description="Seconds of lateness tolerated")] = 30,
              ) -> list[LateOut]:
    """What the lateness auditor would report now: overdue turns and notifications, most overdue first."""
    return [LateOut(kind=item.kind, ref=item.ref, incident_id=item.incident_id, due_at=item.due_at,
                    late_seconds=item.lateness.total_seconds())
            for item in auditor.find_late(db, now=runtime.clock.now(), grace=timedelta(seconds=grace))]


PAGE = Environment(autoescape=True).from_string("""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{{ heading }} · Firebreak</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}
button{font-size:1.1rem;padding:.6rem 1.4rem}</style></head><body>
<h1>{{ heading }}</h1>
{% if incident %}<p><strong>#{{ incident.id }} {{ incident.title }}</strong><br>
Severity {{ incident.severity or "unset" }} · status {{ incident.status }}</p>{% endif %}
<p>{{ message }}</p>
{% if confirm %}<form method="post"><button type="submit">Acknowledge as {{ user }}</button></form>{% endif %}
</body></html>""")


def ack_view(heading: str, message: str, *, status: int = 200, incident: Any = None, user: str = "",
         confirm: bool = False) -> HTMLResponse:
    headers = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
    # Anyone holding the link sees this page: what it shows of the incident is redacted like any answer.
    html = redact(PAGE.render(heading=heading, message=message, incident=incident, user=user, confirm=confirm))
    return HTMLResponse(html, status_code=status, headers=headers)


def error_page(exc: FirebreakError) -> HTMLResponse:
    return ack_view("This link cannot be used", exc.detail, status=status_of(exc))


@router.get("/ack/{token}", response_class=HTMLResponse, dependencies=[PUBLIC])
def ack_confirm(token: Annotated[str, Path(max_length=2000)], db: DB, runtime: RuntimeDep) -> HTMLResponse:
    """Show what the link acknowledges; nothing changes until the form is posted (link previews are safe)."""
    try:
        claim = ack_link.verify(runtime.escalator.secret, token, now=runtime.clock.now())
        incident = service.get(db, incident_id=claim.incident_id)
    except FirebreakError as exc:
        return error_page(exc)
    if not is_open(incident.status):
        return ack_view("Already over", f"The incident is {incident.status}; nothing to acknowledge.",
                        incident=incident)
    return ack_view("Acknowledge this incident?", "Acknowledging stops further pages for it.", incident=incident,
                user=claim.user, confirm=True)


@router.post("/ack/{token}", response_class=HTMLResponse, dependencies=[PUBLIC])
def ack_submit(token: Annotated[str, Path(max_length=2000)], db: DB, runtime: RuntimeDep) -> HTMLResponse:
    """Acknowledge the incident as the person the page went to."""
    now = runtime.clock.now()
    try:
        claim = ack_link.verify(runtime.escalator.secret, token, now=now)
        incident = service.get(db, incident_id=claim.incident_id, lock=True)
    except FirebreakError as exc:
        return error_page(exc)
    actor = f"{claim.user} (page link)"
    if incident.status == "triggered":
        acknowledge(db, incident_id=incident.id, actor=actor, now=now, subscribers=runtime.subscribers)
        return ack_view("Acknowledged", f"Thanks {claim.user}: paging has stopped.", incident=incident)
    if is_open(incident.status):
        # Already acknowledged: this stops a re-page after the acknowledgement timeout.
        engine.acknowledge(db, incident=incident, actor=actor, now=now)
        return ack_view("Acknowledged", "The incident was already acknowledged; paging has stopped.", incident=incident)
    return ack_view("Already over", f"The incident is {incident.status}; nothing to acknowledge.", incident=incident)
