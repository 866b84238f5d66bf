"""Change events as received (deploys, configuration pushes): kept so an incident that opens soon
after a change of its service shows what changed recently."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from firebreak.db.base import Base, UTCDateTime


class ChangeEventRecord(Base):
    """One change: what, where from, when, and the service it was routed to (if any)."""

    __tablename__ = "change_events"
    __table_args__ = (Index("ix_change_events_service_received_at", "service", "received_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service: Mapped[str | None] = mapped_column(String(255))
    summary: Mapped[str] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(1024))
    happened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    integration: Mapped[str] = mapped_column(String(255))
    details: Mapped[Any] = mapped_column(JSON, nullable=True)
    links: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
