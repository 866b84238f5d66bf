"""Console: a responder's moves from an incident's page, each made by the API's own handler for that move.

Acknowledge, move the state, change the severity, assign a role, add a note, and request, approve or
reject a runbook step: the form's fields become the API's request body (validated by the same models)
and the API's handler makes the move, so roles, the two-person rule for destructive steps, the
timeline, events and audit are exactly the API's. A move that works goes back to the page (303, so a
reload never repeats it); one that is refused shows the page again with the reason and the API's
status code.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from firebreak.http.console.incident_page import show
from firebreak.http.console.pages import ConsoleRoute, PageResponder
from firebreak.http.deps import DB, RuntimeDep
from firebreak.http.problems import status_of
from firebreak.http.routes import execution
from firebreak.http.routes import incidents as api
from firebreak.http.schemas import NoteIn, RoleIn, SeverityIn, TransitionIn
from firebreak.ingest.validation import field_path
from firebreak.kernel.errors import FirebreakError
from firebreak.runbook.execute import store as steps
from firebreak.runtime import Runtime

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
# Generous caps on the form fields; the API's request models hold the real limits.
Field = Annotated[str, Form(max_length=40_000)]
Optional = Annotated[str, Form(max_length=40_000)]


def moved(request: Request, db: Session, runtime: Runtime, incident_id: int, move: Callable[[], Any],
          anchor: str, *, refusals_shown: bool = True) -> Response:
    """Make `move`; back to the page at `anchor`, or the page again with why the move was refused.

    A step request the API refuses is still stored, as a step that says why; with `refusals_shown`
    false such an answer goes back to the page, where that step is shown.
    """
    try:
        answer = move()
    except FirebreakError as exc:
        db.rollback()
        return show(request, db, runtime, incident_id, problem=exc.detail, status=status_of(exc))
    except ValidationError as exc:
        first = exc.errors()[0]
        return show(request, db, runtime, incident_id, status=422,
                    problem=f"{field_path(tuple(first.get('loc', ())))}: {first.get('msg')}")
    if isinstance(answer, Response) and answer.status_code >= 400 and refusals_shown:
        return show(request, db, runtime, incident_id, problem=problem_detail(answer), status=answer.status_code)
    return RedirectResponse(f"/incidents/{incident_id}#{anchor}", status_code=303)


def problem_detail(answer: Response) -> str:
    try:
        return str(json.loads(bytes(answer.body))["detail"])
    except (ValueError, KeyError, TypeError):
        return "refused"


@router.post("/incidents/{incident_id}/acknowledge")
def acknowledge(request: Request, incident_id: Id, db: DB, runtime: RuntimeDep, caller: PageResponder) -> Response:
    return moved(request, db, runtime, incident_id,
                 lambda: api.acknowledge_incident(incident_id, db, runtime, caller), "state")


@router.post("/incidents/{incident_id}/status")
def move(request: Request, incident_id: Id, db: DB, runtime: RuntimeDep, caller: PageResponder,
         status: Field, reason: Optional = "") -> Response:
    return moved(request, db, runtime, incident_id, lambda: api.transition_incident(
        incident_id, TransitionIn(status=status, reason=reason.strip() or None), db, runtime, caller), "state")


@router.post("/incidents/{incident_id}/severity")
def severity(request: Request, incident_id: Id, db: DB, runtime: RuntimeDep, caller: PageResponder,
             severity: Field, reason: Optional = "") -> Response:
    return moved(request, db, runtime, incident_id, lambda: api.change_severity(
        incident_id, SeverityIn(severity=severity, reason=reason.strip() or None), db, runtime, caller), "state")


@router.post("/incidents/{incident_id}/roles")
def role(request: Request, incident_id: Id, db: DB, runtime: RuntimeDep, caller: PageResponder,
         role: Field, assignee: Optional = "") -> Response:
    return moved(request, db, runtime, incident_id, lambda: api.assign_role(
        incident_id, RoleIn(role=role, assignee=assignee.strip() or None), db, runtime, caller), "state")


@router.post("/incidents/{incident_id}/notes")
def note(request: Request, incident_id: Id, db: DB, runtime: RuntimeDep, caller: PageResponder,
         text: Field) -> Response:
    return moved(request, db, runtime, incident_id, lambda: api.add_note(
        incident_id, NoteIn(text=text), db, runtime, caller), "timeline")


@router.post("/incidents/{incident_id}/steps")
def run_step(request: Request, incident_id: Id, db: DB, runtime: RuntimeDep, caller: PageResponder,
             command: Annotated[int, Form(ge=0, le=10_000)],
             input_name: Annotated[list[str] | None, Form(max_length=50)] = None,
             input_value: Annotated[list[str] | None, Form(max_length=50)] = None) -> Response:
    """Request a command of the attached runbook: a read-only one runs before the page comes back."""
    values = {name: value for name, value in zip(input_name or [], input_value or [], strict=False) if value}
    # A refused request (blocked, proposed, refused) is stored as a step that says why: the page shows it.
    return moved(request, db, runtime, incident_id, lambda: execution.request_run(
        incident_id, execution.StepIn(command=command, input=values), runtime, caller), f"command-{command}",
        refusals_shown=False)


@router.post("/steps/{step_id}/approve")
def approve(request: Request, step_id: Id, db: DB, runtime: RuntimeDep, caller: PageResponder) -> Response:
    """Approve a step; once it has the approvals its class needs it runs before the page comes back."""
    incident_id = steps.get(db, step_id=step_id).incident_id
    return moved(request, db, runtime, incident_id, lambda: execution.approve(step_id, runtime, caller),
                 f"step-{step_id}")


@router.post("/steps/{step_id}/reject")
def reject(request: Request, step_id: Id, db: DB, runtime: RuntimeDep, caller: PageResponder,
           reason: Optional = "") -> Response:
    incident_id = steps.get(db, step_id=step_id).incident_id
    return moved(request, db, runtime, incident_id, lambda: execution.reject(
        step_id, execution.RejectIn(reason=reason.strip()), runtime, caller), f"step-{step_id}")

