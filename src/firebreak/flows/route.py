"""Route flow: the database reads the route decision needs (active silences, inhibition sources) and the decision.

`route.decide` decides from values; this module reads those values in the caller's transaction
and records which silences matched.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from firebreak.config.models import Config
from firebreak.db.models.core import AlertRecord
from firebreak.db.session import per_transaction
from firebreak.flows.receive_batch import Batch
from firebreak.ingest.alert import Alert
from firebreak.route import silences_store
from firebreak.route.decide import decide
from firebreak.route.decision import RouteDecision
from firebreak.route.inhibition import InhibitRule
from firebreak.route.matchers import MatchOp, matches_all
from firebreak.route.silences import SilenceIndex

FIRING_SOURCES_MAX = 5000
SILENCE_CACHE = "firebreak.active_silences"


def route_alert(session: Session, alert: Alert, *, config: Config, now: datetime,
                batch: Batch | None = None) -> RouteDecision:
    """Route one alert (service, team, severity, policy, silences, inhibition); note matched silences.

    With a `batch`, the alerts that could inhibit this one are read once for the whole batch.
    """
    firing = (batch_sources(session, config, alert, batch) if batch is not None
              else inhibition_sources(session, config, alert))
    decision = decide(alert, config, now, silences=active_silences(session, now), firing=firing)
    if decision.silenced_by:
        silences_store.record_matches(session=session, silence_ids=decision.silenced_by, now=now)
    return decision


def active_silences(session: Session, now: datetime) -> SilenceIndex:
    """Silences stored through the API that are active now, read once per transaction."""
    # Read once per batch; the decision checks each silence's window against its own `now` again.
    return per_transaction(session, SILENCE_CACHE,
                           lambda: SilenceIndex(silences_store.active(session=session, now=now)))


def batch_sources(session: Session, config: Config, alert: Alert, batch: Batch) -> list[Alert]:
    """The alerts that could inhibit `alert`: stored ones read once per batch (for every rule), and the batch's own."""
    if not any(matches_all(rule.target, alert.labels) for rule in config.route_plan.inhibit):
        return []
    if batch.stored_sources is None:
        batch.stored_sources = stored_sources(session, config.route_plan.inhibit)
    return batch.sources()


def can_inhibit(config: Config, alert: Alert) -> bool:
    """True when the alert matches some inhibit rule's source side (only those can inhibit others)."""
    return any(matches_all(rule.source, alert.labels) for rule in config.route_plan.inhibit)


def inhibition_sources(session: Session, config: Config, alert: Alert) -> list[Alert]:
    """Firing, unmuted alerts that could inhibit `alert` (only read when a rule targets it)."""
    rules = [rule for rule in config.route_plan.inhibit if matches_all(rule.target, alert.labels)]
    if not rules:
        return []
    return stored_sources(session, rules)


def stored_sources(session: Session, rules: Sequence[InhibitRule]) -> list[Alert]:
    """Stored firing, unmuted alerts that could be a source of one of `rules`."""
    query = select(AlertRecord).where(AlertRecord.status == "firing", AlertRecord.muted_by.is_(None),
                                      AlertRecord.inhibited_by.is_(None))
    names = source_alertnames(rules)
    if names is not None:
        # Every candidate rule names its source alert: read only those alerts.
        query = query.where(AlertRecord.name.in_(sorted(names)))
    rows = session.scalars(query.order_by(AlertRecord.id.desc()).limit(FIRING_SOURCES_MAX))
    return [record_to_alert(row) for row in rows]


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
