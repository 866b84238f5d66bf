"""Console: the incident list with its filters and the count of incidents in each state, kept live.

Live by polling, not server-sent events: alerts are committed by the ingest writer, pages and
acknowledgements by the worker (which may be its own `firebreak worker` process) and changes by
the CLI on the same database, so the database is the one place that sees every change; an event
stream would need that same poll on the server, plus a held connection per open tab through the
request timeout and any proxy. The page asks every few seconds for its results with a digest of
what it shows; the answer is `204 No Content` (htmx then leaves the page alone, focus and all)
unless something changed, and the new results otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from firebreak.http.console.pages import ENV, ConsoleRoute, PageViewer, polled, render
from firebreak.http.deps import DB, RuntimeDep
from firebreak.http.incident_views import summaries
from firebreak.incident import service
from firebreak.incident.lifecycle import STATES, is_open
from firebreak.runtime import Runtime
from firebreak.security.roles import Principal

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
POLL_SECONDS = 3
SHOWN = 100
Word = Annotated[str, Query(max_length=255)]


@dataclass(frozen=True, slots=True)
class ListFilters:
    """What the list shows: a status (`open`, `all` or a state), a severity, service and team, and mine only."""

    status: str = "open"
    severity: str = ""
    service: str = ""
    team: str = ""
    mine: bool = False

    def query(self, **changes: Any) -> str:
        """The query string of these filters (defaults left out), with `changes` applied."""
        values = {"status": self.status, "severity": self.severity, "service": self.service, "team": self.team,
                  "mine": "true" if self.mine else "", **changes}
        return urlencode({k: v for k, v in values.items() if v and not (k == "status" and v == "open")})


def list_filters(status: Annotated[str, Query(max_length=32)] = "open", severity: Word = "",
                 service: Word = "", team: Word = "", mine: bool = False) -> ListFilters:
    return ListFilters(status=status or "open", severity=severity, service=service, team=team, mine=mine)


Filters = Annotated[ListFilters, Depends(list_filters)]


def list_view(db: Session, runtime: Runtime, caller: Principal, filters: ListFilters) -> dict[str, Any]:
    """The incidents the filters select (newest first, at most SHOWN) and the count in each state."""
    narrowing: dict[str, Any] = {
        "severity": [runtime.severity_named(filters.severity)] if filters.severity else None,
        "service": [filters.service] if filters.service else None,
        "team": [filters.team] if filters.team else None,
        "holder": caller.name if filters.mine else None,
    }
    statuses = None if filters.status == "all" else [filters.status]
    found = service.list_incidents(db, status=statuses, limit=SHOWN, **narrowing)
    counts = service.count_by_status(db, **narrowing)
    return {"items": summaries(db, runtime, found.items), "total": found.total, "counts": counts,
            "open_count": sum(n for state, n in counts.items() if is_open(state)),
            "all_count": sum(counts.values())}


def results(filters: ListFilters, view: dict[str, Any]) -> tuple[Markup, str]:
    """The live part of the list, wrapped in its polling element, and the digest of what it shows."""
    inner = ENV.get_template("incidents/_results.html").render(filters=filters, view=view, states=STATES)
    return polled("incident-results", inner, f"/incidents/live?{filters.query()}", POLL_SECONDS)


def choices(runtime: Runtime) -> dict[str, list[str]]:
    config = runtime.config
    return {"severities": runtime.severity_levels(), "services": sorted(s.name for s in config.services),
            "teams": sorted(t.name for t in config.teams), "states": ["open", *STATES, "all"]}


@router.get("/incidents")
def incidents_page(request: Request, db: DB, runtime: RuntimeDep, caller: PageViewer, filters: Filters) -> Response:
    """Every incident the filters select, with counts per state; the results refresh themselves."""
    view = list_view(db, runtime, caller, filters)
    block, _digest = results(filters, view)
    return render(request, "incidents/list.html", filters=filters, results=block, choices=choices(runtime))


@router.get("/incidents/live")
def incidents_live(db: DB, runtime: RuntimeDep, caller: PageViewer, filters: Filters,
                   v: Annotated[str, Query(max_length=64)] = "") -> Response:
    """The list's results for polling: 204 when they are what the page already shows (digest `v`)."""
    block, digest = results(filters, list_view(db, runtime, caller, filters))
    if v == digest:
        return Response(status_code=204)
    return Response(str(block), media_type="text/html", headers={"Cache-Control": "no-store"})
