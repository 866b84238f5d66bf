"""Incident events: what later stages (escalate, runbook, communicate) react to, and who listens.

Flows publish an event by name inside the caller's transaction once the incident change is made;
every handler subscribed to that event type runs in that same transaction, in subscription order.
The composition root is the one place that subscribes handlers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from firebreak.db.models.core import AlertRecord, IncidentRecord
from firebreak.incident.declaration import Declaration
from firebreak.incident.lifecycle import Transition
from firebreak.route.decision import RouteDecision


@dataclass(frozen=True, slots=True)
class IncidentOpened:
    """A new incident was opened for `alert` (or for a person's declaration), routed as `decision` said."""

    incident: IncidentRecord
    alert: AlertRecord | Declaration
    decision: RouteDecision
    now: datetime


@dataclass(frozen=True, slots=True)
class SeverityChanged:
    """The incident's severity changed from `previous`; the incident already carries the new one."""

    incident: IncidentRecord
    previous: str | None
    actor: str
    now: datetime


@dataclass(frozen=True, slots=True)
class StatusChanged:
    """The incident made the lifecycle move `move` (acknowledged, resolved, reopened …)."""

    incident: IncidentRecord
    move: Transition
    actor: str
    now: datetime

    @property
    def resolved(self) -> bool:
        """True when the move ends the incident (resolved or closed)."""
        return self.move.target in ("resolved", "closed")


@dataclass(frozen=True, slots=True)
class RoleChanged:
    """Someone took a role on the incident (`assignee`), or it was cleared (None); `previous` held it before."""

    incident: IncidentRecord
    role: str
    previous: str | None
    assignee: str | None
    actor: str
    now: datetime


IncidentEvent = IncidentOpened | SeverityChanged | StatusChanged | RoleChanged
EVENT_TYPES: tuple[type[Any], ...] = (IncidentOpened, SeverityChanged, StatusChanged, RoleChanged)
E = TypeVar("E", IncidentOpened, SeverityChanged, StatusChanged, RoleChanged)


@dataclass
class Subscribers:
    """Event type → the handlers run, in order, when a flow publishes an event of that type."""

    _handlers: dict[type[Any], list[Callable[[Session, Any], None]]] = field(default_factory=dict)

    def subscribe(self, event_type: type[E], handler: Callable[[Session, E], None]) -> None:
        """Run `handler(session, event)` for every published event of `event_type`."""
        if event_type not in EVENT_TYPES:
            raise TypeError(f"{event_type.__name__} is not an incident event")
        self._handlers.setdefault(event_type, []).append(handler)

    def handlers(self, event_type: type[Any]) -> list[Callable[[Session, Any], None]]:
        """The handlers subscribed to `event_type`, in subscription order."""
        return list(self._handlers.get(event_type, ()))

    def publish(self, session: Session, event: IncidentEvent) -> None:
        """Run every handler of the event's type inside the caller's transaction."""
        for handler in self._handlers.get(type(event), ()):
            handler(session, event)
