"""Ingest endpoints: Alertmanager, PagerDuty Events v2, Grafana and generic JSON → 202 once stored."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from firebreak.flows.receive import ReceiveOutcome
from firebreak.http.body import json_body, read_json
from firebreak.http.deps import PUBLIC, Ingest, RuntimeDep, limit_ingest, read_credentials
from firebreak.http.problems import PROBLEM
from firebreak.ingest.alertmanager import AlertmanagerWebhook, parse_alertmanager
from firebreak.ingest.generic import GenericAlert, parse_generic
from firebreak.ingest.grafana import GrafanaWebhook, parse_grafana
from firebreak.ingest.pagerduty import Event, bind_integration, parse_pagerduty
from firebreak.kernel.errors import InvalidInput, Unauthenticated
from firebreak.security import tokens
from firebreak.security.roles import Principal, has_role

router = APIRouter(tags=["ingest"])


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
async def alertmanager(request: Request, runtime: RuntimeDep, _caller: Ingest) -> JSONResponse:
    body = await read_json(request, limit=runtime.settings.max_body_bytes)
    alerts = parse_alertmanager(body)
    return accepted(await run_in_threadpool(runtime.batcher.submit, alerts))


@router.post("/api/v1/alerts/grafana", status_code=202, responses=ACCEPTED,
             openapi_extra=json_body(GrafanaWebhook), summary="Grafana unified alerting webhook")
async def grafana(request: Request, runtime: RuntimeDep, _caller: Ingest) -> JSONResponse:
    body = await read_json(request, limit=runtime.settings.max_body_bytes)
    alerts = parse_grafana(body)
    return accepted(await run_in_threadpool(runtime.batcher.submit, alerts))


@router.post("/api/v1/alerts", status_code=202, responses=ACCEPTED, openapi_extra=json_body(GenericAlert),
             summary="Generic JSON alert")
async def generic(request: Request, runtime: RuntimeDep, _caller: Ingest) -> JSONResponse:
    body = await read_json(request, limit=runtime.settings.max_body_bytes)
    alerts = [parse_generic(body)]
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


@router.post("/v2/enqueue", status_code=202, dependencies=[PUBLIC],
             responses={202: {"model": PagerDutyAccepted, "description": "Event processed"}},
             openapi_extra=json_body(Event), summary="PagerDuty Events API v2")
async def enqueue(request: Request, runtime: RuntimeDep) -> JSONResponse:
    """The routing_key in the body is the integration (ingest) key, as with PagerDuty."""
    try:
        body = await read_json(request, limit=runtime.settings.max_body_bytes)
        alert = parse_pagerduty(body)
        principal = await run_in_threadpool(check_routing_key, runtime, alert.routing_key or "")
    except InvalidInput as exc:
        if exc.__class__.__name__ == "PayloadTooLarge":
            raise
        return pagerduty_error(exc)
    except Unauthenticated as exc:
        return pagerduty_error(InvalidInput(f"routing_key is not a valid integration key: {exc.detail}",
                                            field="routing_key"))
    request.state.principal = principal
    limit_ingest(request, principal, runtime.clock.now())
    alert = bind_integration(alert, principal.name)
    outcomes = await run_in_threadpool(runtime.batcher.submit, [alert])
    return JSONResponse({"status": "success", "message": "Event processed",
                         "dedup_key": outcomes[0].dedup_key or alert.dedup_key}, status_code=202)


def check_routing_key(runtime: Any, routing_key: str) -> Principal:
    """The routing key must be a live ingest key (or an admin token)."""
    now = runtime.clock.now()
    principal = read_credentials(runtime, lambda session: tokens.authenticate(session, secret=routing_key, now=now))
    if not has_role(principal, "ingest"):
        raise Unauthenticated("the key is not an ingest key")
    return principal
