"""Route tables: silences created at run time (the configuration file holds the static ones)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from firebreak.db.base import Base, UTCDateTime


class SilenceRecord(Base):
    """A silence: matchers and a time range, with who made it and whether it is still used."""

    __tablename__ = "silences"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    matchers: Mapped[list[str]] = mapped_column(JSON)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    created_by: Mapped[str] = mapped_column(String(255))
    comment: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expired_by: Mapped[str | None] = mapped_column(String(255))
    last_matched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    match_count: Mapped[int] = mapped_column(Integer, default=0)
    expiry_warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
