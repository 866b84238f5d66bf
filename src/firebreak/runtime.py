"""Composition root: one place that wires settings, storage, configuration, triage and hooks."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import InitVar, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from firebreak.config.held_secrets import held_secrets
from firebreak.config.loader import default_config_path
from firebreak.config.models import Config
from firebreak.config.runtime import ConfigHolder
from firebreak.db.models.core import AlertRecord
from firebreak.db.session import make_engine, make_read_session_factory, make_session_factory, per_transaction
from firebreak.escalate.process import Paging
from firebreak.flows import change
from firebreak.flows.batcher import IngestBatcher
from firebreak.flows.hooks import Hooks
from firebreak.flows.receive import ReceiveContext
from firebreak.incident.roles import known_names
from firebreak.ingest.alert import Alert
from firebreak.kernel.clock import Clock, SystemClock
from firebreak.kernel.errors import ConfigError
from firebreak.kernel.redact import remember_secrets
from firebreak.kernel.settings import Settings
from firebreak.route import silences_store
from firebreak.route.decision import TriageDecision
from firebreak.route.inhibition import InhibitRule
from firebreak.route.matchers import MatchOp, matches_all
from firebreak.route.severity import level_named
from firebreak.route.silences import SilenceIndex
from firebreak.route.triage import triage
from firebreak.runbook.execute.process import Execution
from firebreak.runbook.match import attach
from firebreak.security.bootstrap import ENV_ADMIN_PASSWORD, ENV_ADMIN_TOKEN, ENV_INGEST_KEY
from firebreak.security.secrets import resolve_secret
from firebreak.security.users import list_users

FIRING_SOURCES_MAX = 5000
SILENCE_CACHE = "firebreak.active_silences"
FIRST_START_SETTINGS = (ENV_ADMIN_TOKEN, ENV_INGEST_KEY, ENV_ADMIN_PASSWORD)


@dataclass
class Runtime:
    """Long-lived objects of one Firebreak process."""

    settings: Settings
    clock: Clock = field(default_factory=SystemClock)
    engine: Engine = field(init=False)
    session_factory: sessionmaker[Session] = field(init=False)
    read_session_factory: sessionmaker[Session] = field(init=False)
    hooks: Hooks = field(default_factory=Hooks)
    batcher: IngestBatcher = field(init=False)
    config_holder: ConfigHolder = field(init=False)
    paging: Paging = field(init=False)
    execution: Execution = field(init=False)
    initial_config: InitVar[Config | None] = None

    def __post_init__(self, initial_config: Config | None) -> None:
        self.config_holder = ConfigHolder(self.settings.config or default_config_path(), config=initial_config)
        self.engine = make_engine(self.settings.resolved_database_url())
        self.session_factory = make_session_factory(self.engine)
        self.read_session_factory = make_read_session_factory(self.engine)
        self.batcher = IngestBatcher(self.session_factory, self.receive_context,
                                     max_alerts=self.settings.ingest_batch_max)
        self.paging = Paging(settings=self.settings, config=self.config_holder,
                             session_factory=self.session_factory, clock=self.clock, hooks=self.hooks)
        self.hooks.on_opened.append(attach.on_incident_opened)
        self.hooks.on_opened.append(change.on_incident_opened)
        self.execution = Execution(config=self.config_holder, session_factory=self.session_factory,
                                   clock=self.clock, hooks=self.hooks)
        # Redaction masks every secret this process holds, wherever it would be printed.
        remember_secrets(settings_secrets(self.settings, os.environ))
        remember_secrets(held_secrets(self.config, os.environ))
        self.config_holder.on_reload(lambda fresh: remember_secrets(held_secrets(fresh, os.environ)))

    @property
    def config(self) -> Config:
        """The configuration in force (swapped whole on reload)."""
        return self.config_holder.current

    def triage(self, alert: Alert, session: Session) -> TriageDecision:
        """Route one alert (service, team, severity, policy, silences, inhibition)."""
        config = self.config
        now = self.clock.now()
        decision = triage(alert, config, now, silences=self.active_silences(session, now),
                          firing=self.inhibition_sources(session, config, alert))
        if decision.silenced_by:
            silences_store.record_matches(session=session, silence_ids=decision.silenced_by, now=now)
        return decision

    def active_silences(self, session: Session, now: datetime) -> SilenceIndex:
        """Silences stored through the API that are active now, read once per transaction."""
        # Read once per batch; triage checks each silence's window against its own `now` again.
        return per_transaction(session, SILENCE_CACHE,
                               lambda: SilenceIndex(silences_store.active(session=session, now=now)))

    def inhibition_sources(self, session: Session, config: Config, alert: Alert) -> list[Alert]:
        """Firing, unmuted alerts that could inhibit `alert` (only read when a rule targets it)."""
        rules = [rule for rule in config.triage_plan.inhibit if matches_all(rule.target, alert.labels)]
        if not rules:
            return []
        query = select(AlertRecord).where(AlertRecord.status == "firing", AlertRecord.muted_by.is_(None),
                                          AlertRecord.inhibited_by.is_(None))
        names = source_alertnames(rules)
        if names is not None:
            # Every candidate rule names its source alert: read only those alerts.
            query = query.where(AlertRecord.name.in_(sorted(names)))
        rows = session.scalars(query.order_by(AlertRecord.id.desc()).limit(FIRING_SOURCES_MAX))
        return [record_to_alert(row) for row in rows]

    def receive_context(self) -> ReceiveContext:
        """A fresh receive context at the current time."""
        config = self.config
        return ReceiveContext(now=self.clock.now(), triage=self.triage, hooks=self.hooks,
                              auto_resolve=config.auto_resolve_policy, scale=config.severity_scale,
                              reopen_within=config.reopen_within)

    def severity_levels(self) -> list[str]:
        """Names of the configured severity levels, most severe first."""
        return list(self.config.triage_plan.scale.names)

    def severity_named(self, word: str, *, field: str = "severity") -> str:
        """The level a severity word names through the scale (`critical` → `SEV1`); InvalidInput if none."""
        return level_named(self.config.triage_plan.scale, word, field=field)

    def assignees(self, session: Session) -> dict[str, str]:
        """Who may hold an incident role: configured users (by handle, name or e-mail) and sign-in accounts."""
        people = self.paging.directory().people.values()
        accounts = [user.name for user in list_users(session) if user.disabled_at is None]
        return known_names([*((p.handle, (p.name, p.email)) for p in people), *((name, ()) for name in accounts)])

    def runbook_of(self, session: Session, incident_id: int) -> dict[str, Any] | None:
        """The runbook attached to an incident, if any."""
        return attach.current_attachment(session, incident_id)

    def runbooks_of(self, session: Session, incident_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """The runbooks attached to several incidents, by incident id."""
        return attach.current_attachments(session, incident_ids)

    def close(self) -> None:
        self.paging.stop_worker()
        self.execution.close()
        self.batcher.stop()
        self.engine.dispose()


def settings_secrets(settings: Settings, environ: Mapping[str, str]) -> set[str]:
    """The database password, the signing key and first-start credentials given in the environment."""
    found: set[str] = set()
    password = make_url(settings.resolved_database_url()).password
    if password:
        found.add(str(password))
    for raw in (settings.secret_key, *(environ.get(name, "") for name in FIRST_START_SETTINGS)):
        if raw:
            try:
                found.add(resolve_secret(raw, environ=environ))
            except ConfigError:
                continue  # whoever reads it reports the problem
    return found


def record_to_alert(row: AlertRecord) -> Alert:
    """A stored alert back as a canonical alert (for inhibition checks)."""
    return Alert(source=row.source, fingerprint=row.fingerprint, status="firing", labels=row.labels,
                 annotations=row.annotations, summary=row.summary, severity_hint=row.severity_hint,
                 starts_at=row.starts_at, ends_at=row.ends_at, dedup_key=row.dedup_key,
                 routing_key=row.routing_key)


def source_alertnames(rules: Sequence[InhibitRule]) -> set[str] | None:
    """The alert names every source must have, when each rule pins one with `alertname="…"`."""
    names: set[str] = set()
    for rule in rules:
        pinned = [m.value for m in rule.source if m.name == "alertname" and m.op is MatchOp.EQ]
        if not pinned:
            return None
        names.add(pinned[0])
    return names
