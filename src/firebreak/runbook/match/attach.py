"""Attaching runbooks to incidents: the best match when an incident opens, or a responder's choice."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from firebreak.db.models.runbook import RunbookAttachmentRecord
from firebreak.db.session import per_transaction
from firebreak.incident import timeline
from firebreak.incident.events import IncidentOpened
from firebreak.runbook.library import store
from firebreak.runbook.match.rank import Match, RunbookIndex, best_match, build_index, rank


class AlertLike(Protocol):
    """What matching reads from an alert (the canonical Alert and the stored AlertRecord both fit)."""

    @property
    def name(self) -> str: ...

    @property
    def labels(self) -> Mapping[str, Any]: ...

    @property
    def annotations(self) -> Mapping[str, Any]: ...

    @property
    def summary(self) -> str: ...

    @property
    def runbook_url(self) -> str | None: ...


SCENARIO_CACHE = "firebreak.runbook_scenarios"


def cached_scenarios(session: Session) -> RunbookIndex:
    """The scenario runbooks' match index, checked once per transaction, rebuilt only when the library changed."""
    return per_transaction(session, SCENARIO_CACHE, lambda: _index_for(session))


_INDEXES: dict[tuple[str, tuple[object, ...]], RunbookIndex] = {}
_INDEXES_LOCK = threading.Lock()
INDEXES_KEPT = 8


def _index_for(session: Session) -> RunbookIndex:
    """The index of the library as it is now: one cheap query says whether the cached one is still right."""
    state = store.library_state(session)
    key = (str(session.get_bind().url), state)
    with _INDEXES_LOCK:
        cached = _INDEXES.get(key)
    if cached is not None:
        return cached
    index = build_index(store.scenarios(session))
    with _INDEXES_LOCK:
        if len(_INDEXES) >= INDEXES_KEPT:
            _INDEXES.pop(next(iter(_INDEXES)))
        _INDEXES[key] = index
    return index


def match_alerts(session: Session, *, alerts: Sequence[AlertLike]) -> list[Match]:
    """Ranked runbooks for a set of alerts."""
    names: list[str] = []
    urls: list[str] = []
    labels: dict[str, str] = {}
    texts: list[str] = []
    for alert in alerts:
        for name in (alert.name, str(alert.labels.get("alertname") or "")):
            if name and name not in names:
                names.append(name)
        for url in (alert.runbook_url, alert.annotations.get("runbook_url"), alert.annotations.get("runbook")):
            if url and str(url) not in urls:
                urls.append(str(url))
        labels.update({str(k): str(v) for k, v in alert.labels.items()})
        texts.extend(str(alert.annotations.get(k) or "") for k in ("summary", "description", "message"))
        texts.append(alert.summary or "")
    return rank(cached_scenarios(session), alert_names=names, runbook_urls=urls, labels=labels,
                text=" ".join(t for t in texts if t))


def attach_best_match(session: Session, *, incident_id: int, alerts: Sequence[AlertLike], now: datetime,
                      actor: str = "firebreak") -> dict[str, Any] | None:
    """Attach the best runbook above the threshold (once per incident) and note it on the timeline."""
    current = current_attachment(session, incident_id)
    if current is not None:
        return current
    best = best_match(match_alerts(session, alerts=alerts))
    if best is None:
        return None
    return _attach(session, incident_id=incident_id, slug=best.slug, actor=actor, now=now, score=best.score,
                   reasons=best.reasons, automatic=True)


def attach(session: Session, *, incident_id: int, slug: str, actor: str, now: datetime) -> dict[str, Any]:
    """Attach the runbook a responder chose; it becomes the incident's current runbook."""
    return _attach(session, incident_id=incident_id, slug=slug, actor=actor, now=now, score=None,
                   reasons=[f"chosen by {actor}"], automatic=False)


def _attach(session: Session, *, incident_id: int, slug: str, actor: str, now: datetime, score: float | None,
            reasons: list[str], automatic: bool) -> dict[str, Any]:
    record = store.get_record(session, slug=slug)
    session.add(RunbookAttachmentRecord(
        incident_id=incident_id, runbook_id=record.id, slug=record.slug, title=record.title,
        source_path=record.source_path, score=score, reasons=list(reasons), automatic=automatic, actor=actor,
        attached_at=now))
    out = {"slug": record.slug, "title": record.title, "source_path": record.source_path, "score": score,
           "reasons": list(reasons)}
    timeline.append(session, incident_id=incident_id, kind="runbook.attached", actor=actor,
                    data={**out, "automatic": automatic, "url": record.url}, at=now)
    session.flush()
    return out


def current_attachment(session: Session, incident_id: int) -> dict[str, Any] | None:
    """The incident's current runbook as `{slug, title, source_path, score, reasons}`, or None."""
    return current_attachments(session, [incident_id]).get(incident_id)


def current_attachments(session: Session, incident_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The current runbook of each incident that has one (one query for a whole slice of the incident list)."""
    if not incident_ids:
        return {}
    latest = (select(func.max(RunbookAttachmentRecord.id))
              .where(RunbookAttachmentRecord.incident_id.in_(set(incident_ids)))
              .group_by(RunbookAttachmentRecord.incident_id))
    records = session.scalars(select(RunbookAttachmentRecord).where(RunbookAttachmentRecord.id.in_(latest)))
    return {record.incident_id: {"slug": record.slug, "title": record.title, "source_path": record.source_path,
                                 "score": record.score, "reasons": list(record.reasons)}
            for record in records}


def on_incident_opened(session: Session, event: IncidentOpened) -> None:
    """On IncidentOpened: attach the best matching runbook, if any."""
    attach_best_match(session, incident_id=event.incident.id, alerts=[event.alert], now=event.now)
