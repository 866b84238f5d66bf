"""Communicate tables: status updates and the update cadences (durable reminder timers)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from firebreak.db.base import Base, UTCDateTime


class StatusUpdateRecord(Base):
    """One posted status update: internal (responders, chat, stakeholders) or public (status page, subscribers)."""

    __tablename__ = "status_updates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # initial, progress, resolved, status_page, customer_email …
    visibility: Mapped[str] = mapped_column(String(16))  # internal, public
    # Public: investigating, identified, monitoring, resolved (Statuspage's words); internal: the lifecycle state.
    status: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    # Public: the components it names and the status each had when it was posted ([{name, status}]).
    components: Mapped[list[Any]] = mapped_column(JSON, default=list)
    next_update_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    posted_by: Mapped[str] = mapped_column(String(255))
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    __table_args__ = (Index("ix_status_updates_visibility_posted", "visibility", "posted_at"),)


class UpdateCadenceRecord(Base):
    """One incident's timer for one track: the responders' next status update, or a stakeholder list's summary.

    `due_at` is when the next update (or summary) is due; `next_due_at` is when the timer acts next
    (a reminder, again every `remind_every` while the update is overdue). `token` fences writers like
    an escalation's: a stale worker can never remind twice.
    """

    __tablename__ = "update_cadences"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    track: Mapped[str] = mapped_column(String(255))  # "updates", or "brief:<stakeholder list>"
    status: Mapped[str] = mapped_column(String(16))  # active, paused (no cadence for the severity), stopped
    every_seconds: Mapped[int | None] = mapped_column(Integer)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminders: Mapped[int] = mapped_column(Integer, default=0)  # since the last update
    seq: Mapped[int] = mapped_column(Integer, default=0)  # timer actions taken, ever (outbox turn_seq)
    last_update_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    token: Mapped[int] = mapped_column(Integer, default=1)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("incident_id", "track", name="uq_update_cadences_incident_track"),
        Index("ix_update_cadences_status_due", "status", "next_due_at"),
    )
    __mapper_args__ = {"version_id_col": token, "version_id_generator": False}  # noqa: RUF012


class IncidentChannelRecord(Base):
    """The chat channel an incident is discussed in: its name, given when the incident opens."""

    __tablename__ = "incident_channels"

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
