"""Ingest endpoints: Alertmanager, PagerDuty Events v2 (alert and change events), Grafana and generic
JSON → 202 once stored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from firebreak.db.session import transaction
from firebreak.flows.change import ChangeOutcome, receive_change
from firebreak.flows.receive import ReceiveOutcome
from firebreak.http.body import json_body, read_json
from firebreak.http.deps import PUBLIC, Ingest, RuntimeDep, limit_alerts, limit_ingest, read_credentials
from firebreak.http.problems import PROBLEM
from firebreak.ingest.alertmanager import AlertmanagerWebhook, parse_alertmanager
from firebreak.ingest.generic import GenericAlert, parse_generic
from firebreak.ingest.grafana import GrafanaWebhook, parse_grafana
from firebreak.ingest.pagerduty import Event, bind_integration, parse_pagerduty
from firebreak.ingest.pagerduty_change import Change, ChangeEvent, bind_change, parse_change
from firebreak.kernel.errors import InvalidInput, Unauthenticated
from firebreak.security import tokens
from firebreak.security.roles import Principal, has_role

router = APIRouter(tags=["ingest"])


class Keyed(Protocol):
    """A parsed PagerDuty body: it names its routing key."""

    @property
    def routing_key(self) -> str | None: ...


E = TypeVar("E", bound=Keyed)


class OutcomeOut(BaseModel):
    """What happened to one alert."""

    fingerprint: str
    outcome: str
    alert_id: int | None
    incident_id: int | None


class Accepted(BaseModel):
    """Answer to an accepted ingest request."""

    status: str
    alerts: int
    results: list[OutcomeOut]


class PagerDutyAccepted(BaseModel):
    """PagerDuty's answer shape."""

    status: str
    message: str
    dedup_key: str


def accepted(outcomes: list[ReceiveOutcome]) -> JSONResponse:
    body = Accepted(status="accepted", alerts=len(outcomes), results=[
        OutcomeOut(fingerprint=o.fingerprint, outcome=o.outcome, alert_id=o.alert_id,
                   incident_id=o.incident_id) for o in outcomes])
    return JSONResponse(body.model_dump(), status_code=202)


ACCEPTED = {202: {"model": Accepted, "description": "Stored durably"}}


@router.post("/api/v1/alerts/alertmanager", status_code=202, responses=ACCEPTED,
             openapi_extra=json_body(AlertmanagerWebhook), summary="Alertmanager webhook (version 4)")
async def alertmanager(request: Request, runtime: RuntimeDep, caller: Ingest) -> JSONResponse:
    body = await read_json(request, limit=runtime.settings.max_body_bytes)
    alerts = parse_alertmanager(body)
    limit_alerts(request, caller, len(alerts), runtime.clock.now())
    return accepted(await run_in_threadpool(runtime.batcher.submit, alerts))


@router.post("/api/v1/alerts/grafana", status_code=202, responses=ACCEPTED,
             openapi_extra=json_body(GrafanaWebhook), summary="Grafana unified alerting webhook")
async def grafana(request: Request, runtime: RuntimeDep, caller: Ingest) -> JSONResponse:
    body = await read_json(request, limit=runtime.settings.max_body_bytes)
    alerts = parse_grafana(body)
    limit_alerts(request, caller, len(alerts), runtime.clock.now())
    return accepted(await run_in_threadpool(runtime.batcher.submit, alerts))


@router.post("/api/v1/alerts", status_code=202, responses=ACCEPTED, openapi_extra=json_body(GenericAlert),
             summary="Generic JSON alert")
async def generic(request: Request, runtime: RuntimeDep, caller: Ingest) -> JSONResponse:
    body = await read_json(request, limit=runtime.settings.max_body_bytes)
    alerts = [parse_generic(body)]
    limit_alerts(request, caller, len(alerts), runtime.clock.now())
    return accepted(await run_in_threadpool(runtime.batcher.submit, alerts))


def pagerduty_error(exc: InvalidInput | Unauthenticated, status: int = 400) -> JSONResponse:
    """PagerDuty's error fields together with problem+json's."""
    field = getattr(exc, "field", None)
    body: dict[str, Any] = {
        "type": "about:blank", "title": "Invalid event", "status": status, "detail": exc.detail,
        "message": "Event object is invalid", "errors": [exc.detail],
    }
    if field:
        body["field"] = field
    body["status"] = status
    body["pagerduty_status"] = "invalid event"
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


class ChangeAccepted(BaseModel):
    """PagerDuty's answer to a change event."""

    status: str
    message: str


async def read_event(request: Request, runtime: Any, parse: Callable[[Any], E]) -> E | JSONResponse:
    """Parse a PagerDuty body and authenticate its routing key; PagerDuty's error shape when either fails."""
    try:
        body = await read_json(request, limit=runtime.settings.max_body_bytes)
        event = parse(body)
        principal = await run_in_threadpool(check_routing_key, runtime, event.routing_key or "")
    except InvalidInput as exc:
        if exc.__class__.__name__ == "PayloadTooLarge":
            raise
        return pagerduty_error(exc)
    except Unauthenticated as exc:
        return pagerduty_error(InvalidInput(f"routing_key is not a valid integration key: {exc.detail}",
                                            field="routing_key"))
    request.state.principal = principal
    limit_ingest(request, principal, runtime.clock.now())
    limit_alerts(request, principal, 1, runtime.clock.now())
    return event


@router.post("/v2/enqueue", status_code=202, dependencies=[PUBLIC],
             responses={202: {"model": PagerDutyAccepted, "description": "Event processed"}},
             openapi_extra=json_body(Event), summary="PagerDuty Events API v2")
async def enqueue(request: Request, runtime: RuntimeDep) -> JSONResponse:
    """The routing_key in the body is the integration (ingest) key, as with PagerDuty."""
    alert = await read_event(request, runtime, parse_pagerduty)
    if isinstance(alert, JSONResponse):
        return alert
    alert = bind_integration(alert, request.state.principal.name)
    outcomes = await run_in_threadpool(runtime.batcher.submit, [alert])
    return JSONResponse({"status": "success", "message": "Event processed",
                         "dedup_key": outcomes[0].dedup_key or alert.dedup_key}, status_code=202)


@router.post("/v2/change/enqueue", status_code=202, dependencies=[PUBLIC],
             responses={202: {"model": ChangeAccepted, "description": "Change event processed"}},
             openapi_extra=json_body(ChangeEvent), summary="PagerDuty Change Events")
async def change_enqueue(request: Request, runtime: RuntimeDep) -> JSONResponse:
    """A change goes on the timeline of its service's open incidents ("what changed recently")."""
    change = await read_event(request, runtime, parse_change)
    if isinstance(change, JSONResponse):
        return change
    change = bind_change(change, request.state.principal.name)
    await run_in_threadpool(record_change, runtime, change)
    return JSONResponse({"status": "success", "message": "Change event processed"}, status_code=202)


def record_change(runtime: Any, change: Change) -> ChangeOutcome:
    """One transaction: the change on every open incident of its service."""
    with transaction(runtime.session_factory) as session:
        return receive_change(session, change, config=runtime.config, now=runtime.clock.now(),
                              actor=change.routing_key)


def check_routing_key(runtime: Any, routing_key: str) -> Principal:
    """The routing key must be a live ingest key (or an admin token)."""
    now = runtime.clock.now()
    principal = read_credentials(runtime, lambda session: tokens.authenticate(session, secret=routing_key, now=now))
    if not has_role(principal, "ingest"):
        raise Unauthenticated("the key is not an ingest key")
    return principal
