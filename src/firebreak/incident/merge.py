"""Merging incidents (never commits): the merged one is closed pointing at the survivor, its alerts, its
group and a copy of its timeline join the survivor.

Neither hash chain is rewritten: the merged incident's chain ends with its closing entry, and the
survivor's grows by one entry that says what was merged (with the merged chain's head) and one
entry per merged entry, each carrying the original's time, kind, actor, data and hash — so both
chains verify, and the copies can be checked against the original.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from firebreak.db.models.core import AlertRecord, IncidentRecord, MergedGroupRecord
from firebreak.incident import timeline
from firebreak.incident.lifecycle import Transition, plan_merge

MERGED = "incident.merged"  # on the survivor: which incident was merged in
MERGED_ENTRY = "incident.merged_entry"  # on the survivor: one entry of the merged incident's timeline


def close_merged(session: Session, *, merged: IncidentRecord, survivor: IncidentRecord, actor: str, now: datetime,
                 reason: str | None = None) -> Transition:
    """Move the merged incident's alerts and group to the survivor and close it (rule MRG-1, one entry)."""
    move = plan_merge(merged_id=merged.id, merged_status=merged.status, survivor_id=survivor.id,
                      survivor_status=survivor.status)
    session.execute(update(AlertRecord).where(AlertRecord.incident_id == merged.id)
                    .values(incident_id=survivor.id))
    survivor.alert_count += merged.alert_count
    survivor.firing_count += merged.firing_count
    if survivor.firing_count:
        survivor.alerts_resolved_at = None
    survivor.updated_at = now
    # Groups merged into this incident before now follow it to the survivor.
    session.execute(update(MergedGroupRecord).where(MergedGroupRecord.incident_id == merged.id)
                    .values(incident_id=survivor.id))
    session.add(MergedGroupRecord(group_key=merged.group_key, incident_id=survivor.id, merged_incident_id=merged.id,
                                  merged_at=now))
    merged.alert_count = 0
    merged.firing_count = 0
    merged.status = move.target
    merged.merged_into = survivor.id
    merged.open_group_key = None
    merged.updated_at = now
    if merged.closed_at is None:
        merged.closed_at = now
    timeline.append(session, incident_id=merged.id, kind="incident.status", actor=actor,
                    data={"from": move.source, "to": move.target, "rule": move.rule_id,
                          "reason": reason or f"merged into incident {survivor.id}", "merged_into": survivor.id},
                    at=now, incident=merged)
    return move


def join_timeline(session: Session, *, merged: IncidentRecord, survivor: IncidentRecord, actor: str,
                  now: datetime, alerts: int) -> int:
    """Append to the survivor what was merged and a copy of each merged entry; returns how many were copied."""
    entries = timeline.entries(session, incident_id=merged.id)
    timeline.append(session, incident_id=survivor.id, kind=MERGED, actor=actor,
                    data={"incident_id": merged.id, "title": merged.title, "severity": merged.severity,
                          "service": merged.service, "alerts": alerts, "entries": len(entries),
                          "head": merged.timeline_head},
                    at=now, incident=survivor)
    for entry in entries:
        timeline.append(session, incident_id=survivor.id, kind=MERGED_ENTRY, actor=actor,
                        data={"incident_id": merged.id, "seq": entry.seq, "at": entry.at.isoformat(),
                              "kind": entry.kind, "actor": entry.actor, "data": entry.data, "hash": entry.hash},
                        at=now, incident=survivor)
    return len(entries)


def survivor_of_group(session: Session, group_key: str) -> IncidentRecord | None:
    """The open incident a merged incident of this group went into, if any (locked; the latest merge wins)."""
    return session.scalars(
        select(IncidentRecord).join(MergedGroupRecord, MergedGroupRecord.incident_id == IncidentRecord.id)
        .where(MergedGroupRecord.group_key == group_key, IncidentRecord.open_group_key.is_not(None))
        .order_by(MergedGroupRecord.merged_at.desc(), MergedGroupRecord.id.desc()).limit(1)
        .with_for_update(of=IncidentRecord)).first()
