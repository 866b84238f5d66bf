"""Composition root: one place that wires settings, storage, configuration and who reacts to incident events."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import InitVar, dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from firebreak.communicate.communicator import Communicator
from firebreak.config.held_secrets import held_secrets
from firebreak.config.loader import default_config_path
from firebreak.config.models import Config
from firebreak.config.runtime import ConfigHolder
from firebreak.db.session import make_engine, make_read_session_factory, make_session_factory
from firebreak.escalate.escalator import Escalator
from firebreak.escalate.worker import Worker, WorkerOptions
from firebreak.flows import change
from firebreak.flows.batcher import IngestBatcher
from firebreak.flows.receive import ReceiveContext
from firebreak.incident.events import IncidentOpened, RoleChanged, SeverityChanged, StatusChanged, Subscribers
from firebreak.incident.roles import known_names
from firebreak.kernel.clock import Clock, SystemClock
from firebreak.kernel.errors import ConfigError
from firebreak.kernel.redact import remember_secrets
from firebreak.kernel.settings import Settings
from firebreak.review.stage import ReviewStage
from firebreak.route.severity import level_named
from firebreak.runbook.execute.execution import Execution
from firebreak.runbook.match import attach
from firebreak.security.bootstrap import ENV_ADMIN_PASSWORD, ENV_ADMIN_TOKEN, ENV_INGEST_KEY
from firebreak.security.secrets import resolve_secret
from firebreak.security.users import list_users

FIRST_START_SETTINGS = (ENV_ADMIN_TOKEN, ENV_INGEST_KEY, ENV_ADMIN_PASSWORD)


@dataclass
class Runtime:
    """Long-lived objects of one Firebreak process."""

    settings: Settings
    clock: Clock = field(default_factory=SystemClock)
    engine: Engine = field(init=False)
    session_factory: sessionmaker[Session] = field(init=False)
    read_session_factory: sessionmaker[Session] = field(init=False)
    subscribers: Subscribers = field(default_factory=Subscribers)
    batcher: IngestBatcher = field(init=False)
    config_holder: ConfigHolder = field(init=False)
    escalator: Escalator = field(init=False)
    communicator: Communicator = field(init=False)
    execution: Execution = field(init=False)
    review: ReviewStage = field(init=False)
    initial_config: InitVar[Config | None] = None

    def __post_init__(self, initial_config: Config | None) -> None:
        self.config_holder = ConfigHolder(self.settings.config or default_config_path(), config=initial_config)
        self.engine = make_engine(self.settings.resolved_database_url())
        self.session_factory = make_session_factory(self.engine)
        self.read_session_factory = make_read_session_factory(self.engine)
        self.batcher = IngestBatcher(self.session_factory, self.receive_context,
                                     max_alerts=self.settings.ingest_batch_max)
        self.escalator = Escalator(settings=self.settings, config=self.config_holder,
                             session_factory=self.session_factory, clock=self.clock)
        self.execution = Execution(config=self.config_holder, session_factory=self.session_factory,
                                   clock=self.clock)
        self.review = ReviewStage(config=self.config_holder)
        self.communicator = Communicator(config=self.config_holder, session_factory=self.session_factory,
                                         clock=self.clock, directory=self.escalator.directory)
        subscribe_stages(self.subscribers, self.escalator, self.execution, self.review, self.communicator)
        # Redaction masks every secret this process holds, wherever it would be printed.
        remember_secrets(settings_secrets(self.settings, os.environ))
        remember_secrets(held_secrets(self.config, os.environ))
        self.config_holder.on_reload(lambda fresh: remember_secrets(held_secrets(fresh, os.environ)))

    @property
    def config(self) -> Config:
        """The configuration in force (swapped whole on reload)."""
        return self.config_holder.current

    def receive_context(self) -> ReceiveContext:
        """A fresh receive context at the current time."""
        config = self.config
        return ReceiveContext(now=self.clock.now(), config=config, clock=self.clock,
                              subscribers=self.subscribers, auto_resolve=config.auto_resolve_policy,
                              scale=config.severity_scale,
                              reopen_within=config.reopen_within)

    def severity_levels(self) -> list[str]:
        """Names of the configured severity levels, most severe first."""
        return list(self.config.route_plan.scale.names)

    def severity_named(self, word: str, *, field: str = "severity") -> str:
        """The level a severity word names through the scale (`critical` → `SEV1`); InvalidInput if none."""
        return level_named(self.config.route_plan.scale, word, field=field)

    def assignees(self, session: Session) -> dict[str, str]:
        """Who may hold an incident role: configured users (by handle, name or e-mail) and sign-in accounts."""
        people = self.escalator.directory().people.values()
        accounts = [user.name for user in list_users(session) if user.disabled_at is None]
        return known_names([*((p.handle, (p.name, p.email)) for p in people), *((name, ()) for name in accounts)])

    def runbook_of(self, session: Session, incident_id: int) -> dict[str, Any] | None:
        """The runbook attached to an incident, if any."""
        return attach.current_attachment(session, incident_id)

    def runbooks_of(self, session: Session, incident_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """The runbooks attached to several incidents, by incident id."""
        return attach.current_attachments(session, incident_ids)

    def worker(self, options: WorkerOptions | None = None) -> Worker:
        """The worker: escalation turns, update cadences and deliveries."""
        return self.escalator.worker(options, timers=[self.communicator.timer()])

    def start_worker(self, options: WorkerOptions | None = None) -> None:
        """Run the worker in a background thread (used by `serve`)."""
        self.escalator.start_worker(options, timers=[self.communicator.timer()])

    def close(self) -> None:
        self.escalator.stop_worker()
        self.execution.close()
        self.batcher.stop()
        self.engine.dispose()


def subscribe_stages(subscribers: Subscribers, escalator: Escalator, execution: Execution,
                     review: ReviewStage, communicator: Communicator) -> None:
    """Every stage that reacts to incident events, in the order it runs within the incident's transaction."""
    subscribers.subscribe(IncidentOpened, escalator.handlers.opened)
    subscribers.subscribe(IncidentOpened, attach.on_incident_opened)
    subscribers.subscribe(IncidentOpened, change.on_incident_opened)
    subscribers.subscribe(IncidentOpened, execution.diagnostics.on_opened)
    subscribers.subscribe(IncidentOpened, communicator.handlers.opened)
    subscribers.subscribe(StatusChanged, escalator.handlers.status_changed)
    subscribers.subscribe(StatusChanged, review.status_changed)
    subscribers.subscribe(StatusChanged, communicator.handlers.status_changed)
    subscribers.subscribe(SeverityChanged, escalator.handlers.severity_changed)
    subscribers.subscribe(SeverityChanged, communicator.handlers.severity_changed)
    subscribers.subscribe(RoleChanged, communicator.handlers.role_changed)


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
