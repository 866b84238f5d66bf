"""Escalate tables: escalations (durable timers), the notification outbox, delivery attempts, overrides."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from firebreak.db.base import Base, UTCDateTime


class EscalationRecord(Base):
    """One incident's escalation: the frozen policy, where it stands, when it next acts.

    `token` is the fencing token: every change bumps it, and a change is only written when the
    token still has the value the writer read, so a stale worker can never act twice.
    """

    __tablename__ = "escalations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), unique=True)
    policy: Mapped[str] = mapped_column(String(255))
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))  # active, acknowledged, exhausted, stopped
    turn: Mapped[int] = mapped_column(Integer, default=0)  # next turn of the plan
    seq: Mapped[int] = mapped_column(Integer, default=0)  # turns executed so far (all passes)
    repages: Mapped[int] = mapped_column(Integer, default=0)
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    token: Mapped[int] = mapped_column(Integer, default=1)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ack_deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(255))
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_turn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_escalations_status_due", "status", "next_due_at"),)
    # The ORM adds "AND token = <value read>" to every UPDATE and fails when another writer got there first.
    __mapper_args__ = {"version_id_col": token, "version_id_generator": False}  # noqa: RUF012


class OutboxRecord(Base):
    """One notification to one contact method of one person, written with the turn that caused it.

    It is about an incident (a page and its kin, a status-update reminder, a chat post) or a silence
    (the warning that it ends soon), or it carries a public status update to a subscriber.
    """

    __tablename__ = "notification_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    silence_id: Mapped[str | None] = mapped_column(ForeignKey("silences.id"))
    escalation_id: Mapped[int | None] = mapped_column(ForeignKey("escalations.id"))
    # A reminder's update cadence, or the status update a chat post, stakeholder or subscriber mail carries.
    cadence_id: Mapped[int | None] = mapped_column(ForeignKey("update_cadences.id"))
    update_id: Mapped[int | None] = mapped_column(ForeignKey("status_updates.id"))
    turn_seq: Mapped[int] = mapped_column(Integer)
    # page, repage, low_urgency, tracker, silence_expiry; reminder, brief, chat, stakeholder, subscriber
    kind: Mapped[str] = mapped_column(String(16))
    level: Mapped[int] = mapped_column(Integer)
    user_handle: Mapped[str] = mapped_column(String(255))
    contact_index: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(Text)  # redacted address, for display
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # pending, sending, delivered, failed, cancelled
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    token: Mapped[int] = mapped_column(Integer, default=1)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fallback: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("escalation_id", "turn_seq", "user_handle", "contact_index",
                         name="uq_notification_outbox_turn_contact"),
        # One warning per contact method of a silence's author, ever.
        UniqueConstraint("silence_id", "contact_index", name="uq_notification_outbox_silence_id"),
        # One reminder (or summary) per cadence action per contact method, however many workers run.
        UniqueConstraint("cadence_id", "turn_seq", "user_handle", "contact_index",
                         name="uq_notification_outbox_cadence_contact"),
        Index("ix_notification_outbox_status_next", "status", "next_attempt_at"),
    )
    __mapper_args__ = {"version_id_col": token, "version_id_generator": False}  # noqa: RUF012


class DeliveryAttemptRecord(Base):
    """The delivery log: one row per hand-over to a channel, written before and completed after."""

    __tablename__ = "delivery_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("notification_outbox.id"), index=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    worker: Mapped[str] = mapped_column(String(255))
    handed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(16))  # in_flight, delivered, failed, unknown
    detail: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("outbox_id", "attempt", name="uq_delivery_attempts_outbox_attempt"),)


class OverrideRecord(Base):
    """A stored schedule override made through the API or CLI."""

    __tablename__ = "schedule_overrides"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    schedule: Mapped[str] = mapped_column(String(255), index=True)
    user_handle: Mapped[str] = mapped_column(String(255))
    replaces: Mapped[str | None] = mapped_column(String(255))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
