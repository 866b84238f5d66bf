"""Paging fixtures: a seed-000 style configuration, its directory, and a worker on an injected clock."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from firebreak.config import Config, parse_config
from firebreak.db.models.core import IncidentRecord, TimelineEntryRecord
from firebreak.db.models.escalate import EscalationRecord, OutboxRecord
from firebreak.escalate.directory import Directory
from firebreak.escalate.handlers import EscalateHandlers
from firebreak.escalate.worker import Worker, WorkerOptions
from firebreak.incident import service
from firebreak.incident.events import IncidentOpened
from firebreak.kernel.clock import FixedClock
from firebreak.kernel.settings import Settings
from firebreak.notify.console import ConsoleChannel
from firebreak.runtime import Runtime
from tests.notify import conftest as peers

ESCALATE_YAML = """
severity_scale: p0-p3
default_route: {team: eng, escalation_policy: seed}
teams:
  - {name: eng, escalation_policy: seed, members: [ann, bob]}
users:
  - {name: Ann Able, handle: ann, email: ann@example.com,
     contact: [{via: "console://"}, {via: "log://", after: 2m}]}
  - {name: Bob Baker, handle: bob, contact: [{via: "console://"}]}
  - {name: Erin Manager, handle: em, contact: [{via: "console://"}]}
  - {name: Cleo Cto, handle: cto, contact: [{via: "console://"}]}
  - {name: Zed Cover, handle: zed, contact: [{via: "console://"}]}
  - {name: Quiet Person, handle: quiet}
schedules:
  - name: primary
    time_zone: Europe/London
    rotations: [{users: [ann, bob], every: 1w, handoff: "Mon 09:00"}]
  - name: secondary
    time_zone: Europe/London
    rotations: [{users: [bob, ann], every: 1w, handoff: "Mon 09:00"}]
escalation_policies:
  - name: seed
    levels:
      - {notify: ["schedule:primary"], wait: 5m}
      - {notify: ["schedule:secondary"], wait: 10m}
      - {notify: ["user:em"], wait: 15m}
      - {notify: ["user:cto"], wait: 30m, only_for: [P0]}
    ack_timeout: 30m
  - name: looping
    levels: [{notify: ["user:ann"], wait: 1m}, {notify: ["team:eng"]}]
    repeat: 2
  - name: unreachable
    levels: [{notify: ["user:quiet", "user:bob"], wait: 5m}]
"""


@pytest.fixture
def escalate_config() -> Config:
    return parse_config(ESCALATE_YAML, file="escalate.yaml")


@pytest.fixture
def example_config(escalate_config: Config) -> Config:
    """The runtime of these tests runs on the escalation configuration, not the bundled example."""
    return escalate_config


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    """The shared settings, pointed at the escalation configuration above."""
    path = tmp_path / "escalate.yaml"
    path.write_text(ESCALATE_YAML, encoding="utf-8")
    return Settings(database_url=db_url, data_dir=tmp_path, run_worker=False, config=path,
                    secret_key="test-secret", public_url="http://firebreak.test")


@pytest.fixture
def directory(runtime: Runtime) -> Directory:
    return runtime.escalator.directory()


@pytest.fixture
def pages() -> io.StringIO:
    """What the console channel printed."""
    return io.StringIO()


@pytest.fixture
def worker(runtime: Runtime, directory: Directory, clock: FixedClock, pages: io.StringIO) -> Worker:
    return Worker(runtime.session_factory, lambda: directory, clock, channels=[ConsoleChannel(pages)],
                  options=WorkerOptions(batch=500))


OpenIncident = Callable[..., int]


@pytest.fixture
def open_incident(runtime: Runtime, directory: Directory, clock: FixedClock) -> OpenIncident:
    """Open an incident and start its escalation in one transaction, as the receive flow does."""
    hooks = EscalateHandlers(lambda: directory)
    counter = iter(range(1, 1_000_000))

    def make(severity: str | None = "P0", policy: str | None = "seed", team: str | None = None) -> int:
        with runtime.session_factory.begin() as session:
            incident = service.open_incident(
                session, title=f"Checkout failing {next(counter)}", severity=severity, service="api", team=team,
                escalation_policy=policy, group_key=f"g{next(counter)}", now=clock.now(), actor="test", data={})
            hooks.opened(session, IncidentOpened(incident, None, None, clock.now()))  # type: ignore[arg-type]
            return incident.id

    return make


def escalation(session: Session, incident_id: int) -> EscalationRecord:
    session.expire_all()
    return session.scalars(select(EscalationRecord).where(EscalationRecord.incident_id == incident_id)).one()


def outbox_rows(session: Session, incident_id: int) -> list[OutboxRecord]:
    session.expire_all()
    return list(session.scalars(select(OutboxRecord).where(OutboxRecord.incident_id == incident_id)
                                .order_by(OutboxRecord.id)))


def timeline_kinds(session: Session, incident_id: int) -> list[str]:
    session.expire_all()
    return list(session.scalars(select(TimelineEntryRecord.kind).where(TimelineEntryRecord.incident_id == incident_id)
                                .order_by(TimelineEntryRecord.seq)))


def paged_users(session: Session, incident_id: int) -> list[tuple[int, str]]:
    """(level, user) for every primary contact notification, in order."""
    return [(row.level, row.user_handle) for row in outbox_rows(session, incident_id) if row.contact_index == 0]


def incident_status(session: Session, incident_id: int) -> str:
    session.expire_all()
    return session.get(IncidentRecord, incident_id).status  # type: ignore[union-attr]


def at(clock: FixedClock, moment: datetime) -> None:
    clock.set(moment)


receiver = peers.receiver  # a real local HTTP receiver for json:// contact methods
smtp = peers.smtp  # a real local SMTP server (aiosmtpd) for mailto:// contact methods
