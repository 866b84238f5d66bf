"""Runbook tables: the current version of each runbook, its history, and attachments to incidents."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from firebreak.db.base import Base, UTCDateTime


class RunbookRecord(Base):
    """One runbook as last imported; `body` holds the whole parsed runbook."""

    __tablename__ = "runbooks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    slug: Mapped[str] = mapped_column(String(255), unique=True)
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    source_path: Mapped[str] = mapped_column(Text)
    line: Mapped[int] = mapped_column(Integer)
    collection: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    severity_hint: Mapped[str | None] = mapped_column(String(64))
    alert_names: Mapped[list[str]] = mapped_column(JSON)
    search_text: Mapped[str] = mapped_column(Text)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RunbookVersionRecord(Base):
    """Every distinct content a runbook has had, oldest first."""

    __tablename__ = "runbook_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    runbook_id: Mapped[int] = mapped_column(ForeignKey("runbooks.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    source_path: Mapped[str] = mapped_column(Text)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    imported_by: Mapped[str] = mapped_column(String(255))

    __table_args__ = (UniqueConstraint("runbook_id", "version", name="uq_runbook_versions_runbook_version"),)


class RunbookAttachmentRecord(Base):
    """A runbook attached to an incident (by matching or by a responder); the latest one is current."""

    __tablename__ = "runbook_attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    runbook_id: Mapped[int] = mapped_column(ForeignKey("runbooks.id"))
    slug: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(Text)
    source_path: Mapped[str] = mapped_column(Text)
    score: Mapped[float | None] = mapped_column(Float)
    reasons: Mapped[list[str]] = mapped_column(JSON)
    automatic: Mapped[bool] = mapped_column(Boolean)
    actor: Mapped[str] = mapped_column(String(255))
    attached_at: Mapped[datetime] = mapped_column(UTCDateTime)
