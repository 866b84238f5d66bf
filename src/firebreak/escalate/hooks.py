"""Escalate: the incident hooks — start paging when an incident opens, stop or re-arm it when it moves,
and follow its severity when that changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from firebreak.db.models.core import AlertRecord, IncidentRecord
from firebreak.escalate import engine
from firebreak.escalate.directory import Directory
from firebreak.flows.hooks import Hooks
from firebreak.incident.lifecycle import Transition, is_open
from firebreak.route.decision import TriageDecision

DirectorySource = Callable[[], Directory]


class PagingHooks:
    """Keeps escalations in step with incidents, inside the incident change's own transaction."""

    def __init__(self, directory: DirectorySource) -> None:
        self._directory = directory

    def install(self, hooks: Hooks) -> None:
        hooks.on_opened.append(self.opened)
        hooks.on_status_changed.append(self.status_changed)
        hooks.on_severity_changed.append(self.severity_changed)

    def opened(self, session: Session, incident: IncidentRecord, alert: AlertRecord, decision: TriageDecision,
               now: datetime) -> None:
        engine.start(session, incident=incident, directory=self._directory(), now=now)

    def status_changed(self, session: Session, incident: IncidentRecord, move: Transition, actor: str,
                       now: datetime) -> None:
        if move.target in ("resolved", "closed"):
            engine.stop(session, incident=incident, actor=actor, now=now, reason=f"incident {move.target}")
        elif move.target == "triggered":
            engine.restart(session, incident=incident, directory=self._directory(), now=now,
                           reason=f"incident reopened ({move.rule_id})")
        elif move.source == "triggered" and is_open(move.target):
            # Any first move out of "triggered" means a person has the incident.
            engine.acknowledge(session, incident=incident, actor=actor, now=now)

    def severity_changed(self, session: Session, incident: IncidentRecord, previous: str | None, actor: str,
                         now: datetime) -> None:
        engine.follow_severity(session, incident=incident, directory=self._directory(), previous=previous,
                               now=now)
