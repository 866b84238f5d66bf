"""Route endpoints: silences, route tests, configuration reload and read-only configuration views."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from firebreak.config.models import Config
from firebreak.config.scale import scale_as_dict
from firebreak.config.types import format_duration, positive_duration
from firebreak.escalate.compile import urgency_for
from firebreak.flows.route import inhibition_sources
from firebreak.http.deps import DB, Admin, Responder, RuntimeDep, Viewer
from firebreak.http.route_schemas import (
    ConfigSummary,
    ItemList,
    RouteTestIn,
    RouteTestOut,
    SilenceIn,
    SilenceList,
    SilenceOut,
    SilenceReport,
)
from firebreak.kernel.errors import InvalidInput, NotFound
from firebreak.kernel.redact import mask_addresses, redact
from firebreak.route import silences_store
from firebreak.route.decide import decide
from firebreak.route.probe import probe_alert
from firebreak.runtime import Runtime

router = APIRouter(tags=["route"])
SilenceId = Annotated[str, Path(min_length=1, max_length=36)]
EXPIRY_WARNING = timedelta(hours=1)


@router.post("/api/v1/silences", response_model=SilenceOut, status_code=201)
def create_silence(body: SilenceIn, db: DB, runtime: RuntimeDep, caller: Responder) -> SilenceOut:
    now = runtime.clock.now()
    start = body.starts_at or now
    if (body.ends_at is None) == (body.duration is None):
        raise InvalidInput("give exactly one of ends_at or duration", field="ends_at")
    end = body.ends_at if body.ends_at is not None else start + positive_duration(body.duration or "", field="duration")
    record = silences_store.create(session=db, matchers=body.matchers, starts_at=start, ends_at=end,
                                   created_by=caller.name, comment=body.comment, now=now)
    return SilenceOut.of(record, now)


@router.get("/api/v1/silences", response_model=SilenceList)
def list_silences(db: DB, runtime: RuntimeDep, _caller: Viewer,
                  state: Literal["active", "pending", "expired", "all"] = "all",
                  limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> SilenceList:
    now = runtime.clock.now()
    records = silences_store.get_all(session=db, now=now, state=state, limit=limit)
    return SilenceList(items=[SilenceOut.of(record, now) for record in records])


@router.get("/api/v1/silences/report", response_model=SilenceReport)
def silence_report(db: DB, runtime: RuntimeDep, _caller: Viewer,
                   within: Annotated[str, Query(max_length=32)] = "1h",
                   idle: Annotated[str, Query(max_length=32)] = "7d") -> SilenceReport:
    now = runtime.clock.now()
    expiring = silences_store.expiring(session=db, now=now, within=positive_duration(within, field="within"))
    unused = silences_store.unused(session=db, now=now, idle=positive_duration(idle, field="idle"))
    return SilenceReport(expiring=[SilenceOut.of(r, now) for r in expiring],
                         unused=[SilenceOut.of(r, now) for r in unused])


@router.get("/api/v1/silences/{silence_id}", response_model=SilenceOut)
def get_silence(silence_id: SilenceId, db: DB, runtime: RuntimeDep, _caller: Viewer) -> SilenceOut:
    return SilenceOut.of(silences_store.get(session=db, silence_id=silence_id), runtime.clock.now())


@router.delete("/api/v1/silences/{silence_id}", response_model=SilenceOut)
def expire_silence(silence_id: SilenceId, db: DB, runtime: RuntimeDep, caller: Responder) -> SilenceOut:
    now = runtime.clock.now()
    record = silences_store.expire(session=db, silence_id=silence_id, now=now, by=caller.name)
    return SilenceOut.of(record, now)


@router.post("/api/v1/route/test", response_model=RouteTestOut)
def route_test(body: RouteTestIn, db: DB, runtime: RuntimeDep, _caller: Viewer) -> RouteTestOut:
    """Route an alert without storing it: the decision, with every matcher's result."""
    config = runtime.config
    now = body.at or runtime.clock.now()
    alert = probe_alert(body.labels, annotations=body.annotations, severity=body.severity)
    assumed = [probe_alert(item.labels, fingerprint=item.fingerprint) for item in body.firing]
    firing = assumed + inhibition_sources(db, config, alert)
    decision = decide(alert, config, now, silences=silences_store.active(session=db, now=now), firing=firing,
                      explain=True)
    return RouteTestOut.of(decision, urgency_for(config, decision.severity, now))


def summary(runtime: Runtime) -> ConfigSummary:
    holder = runtime.config_holder
    config = holder.current
    counts = {name: len(getattr(config, name)) for name in
              ("teams", "users", "services", "routes", "silences", "maintenance", "inhibit", "schedules",
               "escalation_policies")}
    return ConfigSummary(path=str(holder.path), generation=holder.generation,
                         severity_scale=config.severity_scale.name, counts=counts,
                         last_error=redact(holder.last_error.detail) if holder.last_error else None)


@router.post("/api/v1/config/reload", response_model=ConfigSummary)
def reload_config(runtime: RuntimeDep, _caller: Admin) -> ConfigSummary:
    """Re-read the configuration file; an invalid file is refused (422) and the old one stays."""
    runtime.config_holder.reload()
    return summary(runtime)


@router.get("/api/v1/config", response_model=ConfigSummary)
def config_summary(runtime: RuntimeDep, _caller: Viewer) -> ConfigSummary:
    return summary(runtime)


def _dump(items: list[BaseModel], *, exclude: set[str] | None = None) -> ItemList:
    """Configuration entries as a viewer may see them: addresses say where they point, never their
    credentials (DSN passwords, webhook tokens), and values under secret-named keys are masked."""
    return ItemList(items=[mask_addresses(item.model_dump(mode="json", by_alias=True, exclude=exclude))
                           for item in items])


SECTIONS: dict[str, set[str] | None] = {
    "services": None, "teams": None, "routes": None, "inhibit": None, "silences": None,
    "escalation_policies": None, "schedules": None,
    "users": {"contact"},  # contact addresses can carry webhook secrets
}


@router.get("/api/v1/config/severity")
def config_severity(runtime: RuntimeDep, _caller: Viewer) -> dict[str, Any]:
    return scale_as_dict(runtime.config.severity_scale)


@router.get("/api/v1/config/maintenance", response_model=ItemList)
def config_maintenance(runtime: RuntimeDep, _caller: Viewer) -> ItemList:
    """Maintenance windows with the current or next occurrence."""
    config: Config = runtime.config
    now = runtime.clock.now()
    items = []
    for spec, window in zip(config.maintenance, config.route_plan.maintenance, strict=True):
        item = spec.model_dump(mode="json")
        item["name"] = window.name
        span = window.next_span(now)
        item["active"] = window.is_active(now)
        item["next"] = None if span is None else {"start": span[0].isoformat(), "end": span[1].isoformat(),
                                                  "length": format_duration(span[1] - span[0])}
        items.append(mask_addresses(item))
    return ItemList(items=items)


@router.get("/api/v1/config/{section}", response_model=ItemList)
def config_section(section: Annotated[str, Path(max_length=64)], runtime: RuntimeDep,
                   _caller: Viewer) -> ItemList:
    """One section of the configuration, read-only."""
    if section not in SECTIONS:
        raise NotFound(f"no configuration section {section!r}; sections: severity, maintenance, "
                       f"{', '.join(sorted(SECTIONS))}")
    return _dump(list(getattr(runtime.config, section)), exclude=SECTIONS[section])
