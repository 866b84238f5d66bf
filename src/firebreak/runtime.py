"""Composition root: one place that wires settings, storage, configuration, triage and hooks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from firebreak.db.session import make_engine, make_session_factory
from firebreak.flows.batcher import IngestBatcher
from firebreak.flows.hooks import Hooks
from firebreak.flows.receive import ReceiveContext
from firebreak.ingest.alert import Alert
from firebreak.kernel.clock import Clock, SystemClock
from firebreak.kernel.settings import Settings
from firebreak.route.decision import TriageDecision

DEFAULT_GROUP_BY = ("alertname", "service")


@dataclass
class Runtime:
    """Long-lived objects of one Firebreak process."""

    settings: Settings
    clock: Clock = field(default_factory=SystemClock)
    engine: Engine = field(init=False)
    session_factory: sessionmaker[Session] = field(init=False)
    hooks: Hooks = field(default_factory=Hooks)
    batcher: IngestBatcher = field(init=False)

    def __post_init__(self) -> None:
        self.engine = make_engine(self.settings.resolved_database_url())
        self.session_factory = make_session_factory(self.engine)
        self.batcher = IngestBatcher(self.session_factory, self.receive_context,
                                     max_alerts=self.settings.ingest_batch_max)

    def triage(self, alert: Alert, session: Session) -> TriageDecision:
        """Route one alert (service, team, severity, policy, silences, inhibition)."""
        return TriageDecision(service=alert.labels.get("service"), team=None,
                              severity=alert.severity_hint, escalation_policy=None,
                              group_by=DEFAULT_GROUP_BY)

    def receive_context(self) -> ReceiveContext:
        """A fresh receive context at the current time."""
        return ReceiveContext(now=self.clock.now(), triage=self.triage, hooks=self.hooks,
                              auto_resolve=False)

    def severity_levels(self) -> list[str]:
        """Names of the configured severity levels, most severe first (empty: anything goes)."""
        return []

    def runbook_of(self, session: Session, incident_id: int) -> dict[str, Any] | None:
        """The runbook attached to an incident, if any."""
        return None

    def close(self) -> None:
        self.batcher.stop()
        self.engine.dispose()
