"""Receive flow, per batch: what one receive transaction reads once and writes once for all its alerts.

A storm arrives as batches of hundreds of alerts in one transaction. Within a batch the flow
looks up each open alert, each group's incident and each locked incident once, reads the
alerts that could inhibit others once, and inserts the new alerts together when the batch
ends (one multi-row INSERT … RETURNING instead of a flush per alert). Alerts that join an
incident that already existed get one timeline entry per incident per batch — "37 alerts
joined: KubePodCrashLooping ×37" — instead of one each; the alert rows keep every detail.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from firebreak.db.models.core import AlertRecord, IncidentRecord
from firebreak.incident import merge, service, timeline
from firebreak.ingest.alert import Alert

# Labels shown in a joined-alerts entry: the values that differ between the alerts, this many each.
VARYING_SHOWN = 5
# Alert ids listed in a joined-alerts entry (the rows keep them all).
IDS_SHOWN = 500


@dataclass
class Batch:
    """Lookups and pending writes of one receive transaction."""

    open_alerts: dict[str, AlertRecord] = field(default_factory=dict)
    known_absent: set[str] = field(default_factory=set)
    group_incidents: dict[str, IncidentRecord | None] = field(default_factory=dict)
    locked: dict[int, IncidentRecord] = field(default_factory=dict)
    # Firing alerts that may inhibit others: read once per batch, plus the batch's own new ones.
    stored_sources: list[Alert] | None = None
    new_sources: list[Alert] = field(default_factory=list)
    gone_sources: set[str] = field(default_factory=set)
    joined: dict[int, list[tuple[str, AlertRecord]]] = field(default_factory=dict)
    joined_incidents: dict[int, IncidentRecord] = field(default_factory=dict)

    def sources(self) -> list[Alert]:
        """Every firing alert that could inhibit another, as of this point of the batch."""
        known = [*(self.stored_sources or []), *self.new_sources]
        if not self.gone_sources:
            return known
        return [alert for alert in known if alert.fingerprint not in self.gone_sources]


def locked_incident(session: Session, batch: Batch, incident_id: int) -> IncidentRecord:
    """The incident, locked for update, read once per batch."""
    incident = batch.locked.get(incident_id)
    if incident is None:
        incident = service.get(session, incident_id=incident_id, lock=True)
        batch.locked[incident_id] = incident
    return incident


def group_incident(session: Session, batch: Batch, key: str) -> IncidentRecord | None:
    """The open incident of a group key (locked), read once per batch and kept while it stays open: the
    group's own, else the survivor its incident was merged into."""
    if key in batch.group_incidents:
        cached = batch.group_incidents[key]
        if cached is None or cached.open_group_key is not None:
            return cached
    found = session.scalars(select(IncidentRecord).where(IncidentRecord.open_group_key == key)
                            .with_for_update()).one_or_none()
    if found is None:
        found = merge.survivor_of_group(session, key)
    remember_group(batch, key, found)
    return found


def remember_group(batch: Batch, key: str, incident: IncidentRecord | None) -> None:
    batch.group_incidents[key] = incident
    if incident is not None:
        batch.locked[incident.id] = incident


def note_join(batch: Batch, incident: IncidentRecord, record: AlertRecord, kind: str) -> None:
    """Remember that `record` joined `incident`; its timeline entry is written with the batch's."""
    batch.joined.setdefault(incident.id, []).append((kind, record))
    batch.joined_incidents[incident.id] = incident


def settle_joins(session: Session, batch: Batch, *, actor: str, at: datetime,
                 incident_id: int | None = None) -> None:
    """Write the pending joined-alerts entries (of one incident, or all), after inserting their alerts."""
    ids = [incident_id] if incident_id is not None else sorted(batch.joined)
    pending = [(i, batch.joined.pop(i)) for i in ids if i in batch.joined]
    if not pending:
        return
    session.flush()
    for incident_id_, joins in pending:
        incident = batch.joined_incidents.pop(incident_id_)
        for kind in dict.fromkeys(kind for kind, _ in joins):
            records = [record for k, record in joins if k == kind]
            if len(records) == 1:
                timeline.append(session, incident_id=incident.id, kind=kind, actor=actor,
                                data=joined_one(records[0]), at=at, incident=incident)
            else:
                timeline.append(session, incident_id=incident.id, kind=kind.replace("alert.", "alerts.", 1),
                                actor=actor, data=joined_many(records), at=at, incident=incident)


def joined_one(record: AlertRecord) -> dict[str, Any]:
    return {"alert_id": record.id, "name": record.name, "source": record.source,
            "fingerprint": record.fingerprint, "labels": record.labels, "summary": record.summary,
            "inhibited_by": record.inhibited_by}


def joined_many(records: Sequence[AlertRecord]) -> dict[str, Any]:
    """One entry for many alerts: how many, of which names, which labels they share and which differ."""
    names = Counter(record.name for record in records)
    label_sets = [record.labels or {} for record in records]
    keys = sorted(set().union(*label_sets))
    common = {k: label_sets[0][k] for k in keys
              if all(k in labels and labels[k] == label_sets[0].get(k) for labels in label_sets)}
    varying = {k: sorted({str(labels[k]) for labels in label_sets if k in labels})[:VARYING_SHOWN]
               for k in keys if k not in common}
    text = ", ".join(f"{name} ×{count}" for name, count in names.most_common())
    return {"count": len(records), "summary": f"{len(records)} alerts joined: {text}", "names": dict(names),
            "common_labels": common, "varying_labels": varying,
            "alert_ids": [record.id for record in records[:IDS_SHOWN]]}
