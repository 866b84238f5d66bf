"""Escalate: the incident event handlers — start paging when an incident opens, stop or re-arm it when it
moves, and follow its severity when that changes."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from firebreak.escalate import engine
from firebreak.escalate.directory import Directory
from firebreak.incident.events import IncidentOpened, SeverityChanged, StatusChanged
from firebreak.incident.lifecycle import is_open

DirectorySource = Callable[[], Directory]


class EscalateHandlers:
    """Keeps escalations in step with incidents, inside the incident change's own transaction."""

    def __init__(self, directory: DirectorySource) -> None:
        self._directory = directory

    def opened(self, session: Session, event: IncidentOpened) -> None:
        engine.start(session, incident=event.incident, directory=self._directory(), now=event.now)

    def status_changed(self, session: Session, event: StatusChanged) -> None:
        incident, move, actor, now = event.incident, event.move, event.actor, event.now
        if event.resolved:
            engine.stop(session, incident=incident, actor=actor, now=now, reason=f"incident {move.target}")
        elif move.target == "triggered":
            engine.restart(session, incident=incident, directory=self._directory(), now=now,
                           reason=f"incident reopened ({move.rule_id})")
        elif move.source == "triggered" and is_open(move.target):
            # Any first move out of "triggered" means a person has the incident.
            engine.acknowledge(session, incident=incident, actor=actor, now=now)

    def severity_changed(self, session: Session, event: SeverityChanged) -> None:
        engine.follow_severity(session, incident=event.incident, directory=self._directory(),
                               previous=event.previous, now=event.now)
