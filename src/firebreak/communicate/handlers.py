"""Communicate: the incident event handlers — cadences started, re-timed and stopped, chat and stakeholders told.

Each runs in the incident change's own transaction, after escalation's handlers.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from firebreak.communicate import notices, reminders
from firebreak.communicate.rules import Rules
from firebreak.escalate.directory import Directory
from firebreak.incident.events import IncidentOpened, RoleChanged, SeverityChanged, StatusChanged

RulesSource = Callable[[], Rules]
DirectorySource = Callable[[], Directory]


class CommunicateHandlers:
    """Keeps cadences in step with incidents and tells chat and stakeholders what changed."""

    def __init__(self, rules: RulesSource, directory: DirectorySource) -> None:
        self._rules = rules
        self._directory = directory

    def opened(self, session: Session, event: IncidentOpened) -> None:
        rules, directory, incident = self._rules(), self._directory(), event.incident
        reminders.start(session, incident=incident, rules=rules, now=event.now)
        channel = notices.open_channel(session, incident=incident, rules=rules, now=event.now)
        notices.tell(session, incident=incident, rules=rules, directory=directory,
                     rendered=notices.opened_message(incident, channel.name, directory.base_url),
                     chat_event="status", stakeholder_event="status", now=event.now)

    def status_changed(self, session: Session, event: StatusChanged) -> None:
        rules, directory, incident = self._rules(), self._directory(), event.incident
        if event.resolved:
            reminders.stop(session, incident=incident, now=event.now, reason=f"incident {event.move.target}")
        elif event.move.rule_id.startswith("REO"):  # reopened: a fresh initial update is due
            reminders.start(session, incident=incident, rules=rules, now=event.now)
        notices.tell(session, incident=incident, rules=rules, directory=directory,
                     rendered=notices.status_message(incident, event.move, event.actor, directory.base_url),
                     chat_event="status", stakeholder_event="status", now=event.now)

    def severity_changed(self, session: Session, event: SeverityChanged) -> None:
        rules, directory, incident = self._rules(), self._directory(), event.incident
        reminders.follow_severity(session, incident=incident, rules=rules, now=event.now)
        notices.tell(session, incident=incident, rules=rules, directory=directory,
                     rendered=notices.severity_message(incident, event.previous, event.actor, directory.base_url),
                     chat_event="severity", stakeholder_event="severity", now=event.now)

    def role_changed(self, session: Session, event: RoleChanged) -> None:
        rules, directory, incident = self._rules(), self._directory(), event.incident
        notices.tell(session, incident=incident, rules=rules, directory=directory,
                     rendered=notices.role_message(incident, event.role, event.previous, event.assignee,
                                                   event.actor, directory.base_url),
                     chat_event="roles", stakeholder_event=None, now=event.now)
