"""A responder's moves as the HTTP API and the CLI's database mode both make them: the request shapes
and one function per move that reads a request, calls its flow and returns the incident it changed.

The caller owns the transaction (a request, or a CLI command with its audit entry).
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.orm import Session

from firebreak.db.models.core import IncidentRecord
from firebreak.flows.declare import declare_incident, known_of
from firebreak.flows.merge import merge_incidents
from firebreak.incident.declaration import MAX_SERVICES, declaration
from firebreak.incident.lifecycle import ROLES
from firebreak.kernel.errors import InvalidInput
from firebreak.runtime import Runtime

Name = Annotated[str, Field(min_length=1, max_length=255)]
M = TypeVar("M", bound=BaseModel)


class DeclareIn(BaseModel):
    """An incident a person declares: no alert behind it (a suspected breach, a customer's report)."""

    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=1000)
    severity: str = Field(min_length=1, max_length=64, description="A level of the scale or an alias")
    services: list[Name] = Field(default_factory=list, max_length=MAX_SERVICES,
                                 description="Configured services it touches; the first is the incident's own")
    description: str | None = Field(default=None, max_length=20000)
    team: Name | None = Field(default=None, description="Hand it to this team (default: the service's)")
    escalation_policy: Name | None = Field(default=None, description="Page through this policy (default: as routed)")
    roles: dict[Annotated[str, Field(max_length=64)], Name] = Field(
        default_factory=dict, max_length=len(ROLES), description=f"Role → holder; roles are {', '.join(ROLES)}")


class MergeIn(BaseModel):
    """Merge this incident into another (the survivor)."""

    model_config = ConfigDict(extra="forbid")
    into: int = Field(ge=1, le=2**31 - 1, description="The incident that survives")
    reason: str | None = Field(default=None, max_length=4000)


def read(model: type[M], fields: dict[str, Any]) -> M:
    """A request shape from a CLI command's values; InvalidInput naming the first bad field."""
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        raise InvalidInput(f"{where}: {error['msg']}", field=where) from exc


def declare(session: Session, runtime: Runtime, body: DeclareIn, *, actor: str) -> IncidentRecord:
    """Declare an incident by hand; it is routed, attached and paged like one an alert opened."""
    declared = declaration(title=body.title, severity=runtime.severity_named(body.severity), services=body.services,
                           description=body.description, team=body.team, escalation_policy=body.escalation_policy,
                           roles=body.roles, known=known_of(runtime.config))
    return declare_incident(session, declared, config=runtime.config, known=runtime.assignees(session), actor=actor,
                            now=runtime.clock.now(), subscribers=runtime.subscribers)


def merge(session: Session, runtime: Runtime, incident_id: int, body: MergeIn, *, actor: str) -> IncidentRecord:
    """Merge the incident into `body.into`; returns the survivor."""
    return merge_incidents(session, incident_id=incident_id, into=body.into, actor=actor, now=runtime.clock.now(),
                           subscribers=runtime.subscribers, scale=runtime.config.severity_scale, reason=body.reason)
