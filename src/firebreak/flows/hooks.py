"""What later stages (escalation, runbooks, communication) do when an incident opens, moves or changes severity."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from firebreak.db.models.core import AlertRecord, IncidentRecord
from firebreak.incident.lifecycle import Transition
from firebreak.route.decision import TriageDecision

OnOpened = Callable[[Session, IncidentRecord, AlertRecord, TriageDecision, datetime], None]
OnStatusChanged = Callable[[Session, IncidentRecord, Transition, str, datetime], None]
# (session, incident, previous severity, actor, now): the incident already carries the new severity.
OnSeverityChanged = Callable[[Session, IncidentRecord, str | None, str, datetime], None]


@dataclass
class Hooks:
    """Ordered lists of steps run inside the same transaction as the incident change."""

    on_opened: list[OnOpened] = field(default_factory=list)
    on_status_changed: list[OnStatusChanged] = field(default_factory=list)
    on_severity_changed: list[OnSeverityChanged] = field(default_factory=list)
