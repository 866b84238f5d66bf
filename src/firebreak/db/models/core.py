"""Core tables: alerts, incidents, roles, merged groups and the hash-chained timeline."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from firebreak.db.base import Base, UTCDateTime


class IncidentRecord(Base):
    """An incident: lifecycle state, milestones, routing result and timeline head."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(32), index=True)
    severity: Mapped[str | None] = mapped_column(String(64), index=True)
    service: Mapped[str | None] = mapped_column(String(255), index=True)
    team: Mapped[str | None] = mapped_column(String(255))
    escalation_policy: Mapped[str | None] = mapped_column(String(255))
    group_key: Mapped[str] = mapped_column(String(1024))
    # Set to group_key while the incident is open and NULL afterwards: a unique index on it
    # makes "one open incident per group" hold even under concurrent writers.
    open_group_key: Mapped[str | None] = mapped_column(String(1024), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    triggered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    investigating_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    identified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mitigating_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    monitoring_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    alert_count: Mapped[int] = mapped_column(Integer, default=0)
    firing_count: Mapped[int] = mapped_column(Integer, default=0)
    alerts_resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    timeline_count: Mapped[int] = mapped_column(Integer, default=0)
    timeline_head: Mapped[str] = mapped_column(String(64), default="")
    # What the person who declared it said, and every service it touches (the first is `service`).
    description: Mapped[str | None] = mapped_column(Text)
    services: Mapped[list[str] | None] = mapped_column(JSON)
    # The incident this one was merged into (it is closed then, and its alerts are there).
    merged_into: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))

    # A new alert looks up its group's incident resolved within `reopen_within` (rule REO-1).
    __table_args__ = (Index("ix_incidents_group_key_resolved_at", "group_key", "resolved_at"),)


class AlertRecord(Base):
    """One alert as received and normalised, with its raw payload and dedup counters."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(32))
    fingerprint: Mapped[str] = mapped_column(String(255), index=True)
    # fingerprint while the alert is open, NULL once resolved (unique: one open alert per key)
    open_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    dedup_key: Mapped[str | None] = mapped_column(String(255))
    routing_key: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(Text)
    labels: Mapped[dict[str, Any]] = mapped_column(JSON)
    annotations: Mapped[dict[str, Any]] = mapped_column(JSON)
    summary: Mapped[str] = mapped_column(Text)
    severity_hint: Mapped[str | None] = mapped_column(String(64))
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    generator_url: Mapped[str | None] = mapped_column(Text)
    runbook_url: Mapped[str | None] = mapped_column(Text)
    links: Mapped[list[Any]] = mapped_column(JSON)
    raw: Mapped[dict[str, Any]] = mapped_column(JSON)
    count: Mapped[int] = mapped_column(Integer, default=1)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    service: Mapped[str | None] = mapped_column(String(255))
    severity: Mapped[str | None] = mapped_column(String(64))
    muted_by: Mapped[str | None] = mapped_column(String(255))
    inhibited_by: Mapped[str | None] = mapped_column(String(255))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)

    __table_args__ = (Index("ix_alerts_status_service", "status", "service"),
                      Index("ix_alerts_status_name", "status", "name"))


class IncidentRoleRecord(Base):
    """Who holds a role (commander, tech lead, comms lead, on-call) on an incident."""

    __tablename__ = "incident_roles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    role: Mapped[str] = mapped_column(String(64))
    assignee: Mapped[str] = mapped_column(String(255))
    assigned_by: Mapped[str] = mapped_column(String(255))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("incident_id", "role", name="uq_incident_roles_incident_role"),)


class MergedGroupRecord(Base):
    """A merged incident's group: its later alerts join `incident_id` (the survivor) while that is open."""

    __tablename__ = "merged_groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    group_key: Mapped[str] = mapped_column(String(1024), index=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    merged_incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TimelineEntryRecord(Base):
    """One append-only timeline entry; `hash` covers the entry and the previous hash."""

    __tablename__ = "timeline_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(255))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (UniqueConstraint("incident_id", "seq", name="uq_timeline_entries_incident_seq"),)
