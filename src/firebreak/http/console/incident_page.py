"""Console: an incident's page at `/incidents/{id}` — the link every page Firebreak sends carries.

Its state (summary, escalation, alerts) and its timeline refresh themselves the way the incident
list does (see `incident_list`): polled with a digest, answered 204 while nothing changed. The forms
and step buttons sit outside those parts, so a refresh never takes a control away from under a
keyboard user.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from firebreak.http.console.incident_view import IncidentPage, incident_page
from firebreak.http.console.pages import ENV, ConsoleRoute, PageViewer, polled, render
from firebreak.http.deps import DB, RuntimeDep
from firebreak.runtime import Runtime
from firebreak.security.roles import has_role

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
IncidentId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Part = Literal["state", "timeline"]
POLL_SECONDS = 5
PARTS: dict[str, str] = {"state": "incident/_state.html", "timeline": "incident/_timeline.html"}


def live_part(view: IncidentPage, part: str) -> tuple[Markup, str]:
    """One self-refreshing part of the page, wrapped in its polling element, and the digest of its content."""
    inner = ENV.get_template(PARTS[part]).render(view=view, incident=view.incident)
    return polled(f"live-{part}", inner, f"/incidents/{view.incident.id}/live?part={part}", POLL_SECONDS)


def show(request: Request, db: Session, runtime: Runtime, incident_id: int, *, problem: str | None = None,
         status: int = 200) -> Response:
    """The incident's page, with `problem` (a refused move) shown above its forms."""
    view = incident_page(db, runtime, incident_id)
    me = request.state.principal
    return render(request, "incident/page.html", status=status, view=view, incident=view.incident,
                  problem=problem, can_respond=has_role(me, "responder"),
                  state=live_part(view, "state")[0], timeline=live_part(view, "timeline")[0])


@router.get("/incidents/{incident_id}")
def incident(request: Request, incident_id: IncidentId, db: DB, runtime: RuntimeDep, _caller: PageViewer) -> Response:
    """Everything about one incident, and what a responder can do about it."""
    return show(request, db, runtime, incident_id)


@router.get("/incidents/{incident_id}/live")
def incident_live(incident_id: IncidentId, db: DB, runtime: RuntimeDep, _caller: PageViewer,
                  part: Annotated[Part, Query()] = "state",
                  v: Annotated[str, Query(max_length=64)] = "") -> Response:
    """One part of the page for polling: 204 while it is what the page already shows (digest `v`)."""
    block, digest = live_part(incident_page(db, runtime, incident_id), part)
    if v == digest:
        return Response(status_code=204)
    return Response(str(block), media_type="text/html", headers={"Cache-Control": "no-store"})
