"""Review tables: post-incident reviews with every version kept, and the timeline entries marked as key events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from firebreak.db.base import Base, UTCDateTime


class ReviewRecord(Base):
    """An incident's post-incident review as it stands now; `generated` is what the last draft wrote.

    A section whose text still equals its generated text was never changed by a person, so a
    fresh draft (the incident resolved again) may replace it; edited sections are kept.
    """

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), unique=True)
    status: Mapped[str] = mapped_column(String(16))  # draft, complete
    version: Mapped[int] = mapped_column(Integer)
    sections: Mapped[dict[str, Any]] = mapped_column(JSON)
    generated: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by: Mapped[str | None] = mapped_column(String(255))


class ReviewVersionRecord(Base):
    """One version of a review, as it was saved: never changed or removed."""

    __tablename__ = "review_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    sections: Mapped[dict[str, Any]] = mapped_column(JSON)
    author: Mapped[str] = mapped_column(String(255))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime)
    change: Mapped[str] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("review_id", "version", name="uq_review_versions_review_version"),)


class KeyEventRecord(Base):
    """A timeline entry a responder marked as a key event for the review's timeline table."""

    __tablename__ = "key_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    label: Mapped[str | None] = mapped_column(Text)
    marked_by: Mapped[str] = mapped_column(String(255))
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("incident_id", "seq", name="uq_key_events_incident_seq"),)
