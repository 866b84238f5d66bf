"""Execution tables: runbook steps asked for on an incident (their approvals, runs and output) and drill results."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from firebreak.db.base import Base, UTCDateTime


class StepRunRecord(Base):
    """One runbook command asked for on an incident: filled, approved (or not), run, with its output.

    Output is stored redacted and capped; secret values are never stored, only where they came from.
    """

    __tablename__ = "step_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    runbook_slug: Mapped[str] = mapped_column(String(255))
    command_index: Mapped[int] = mapped_column(Integer)
    command_line: Mapped[int | None] = mapped_column(Integer)
    phase: Mapped[str | None] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(16))
    cls: Mapped[str] = mapped_column(String(16))
    class_reason: Mapped[str] = mapped_column(Text, default="")
    template: Mapped[str] = mapped_column(Text)
    adaptations: Mapped[list[Any]] = mapped_column(JSON, default=list)
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    display: Mapped[str] = mapped_column(Text, default="")
    argv: Mapped[list[Any]] = mapped_column(JSON, default=list)
    mode: Mapped[str | None] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(24), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    missing: Mapped[list[Any]] = mapped_column(JSON, default=list)
    automatic: Mapped[bool] = mapped_column(Boolean, default=False)
    requested_by: Mapped[str] = mapped_column(String(255))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    approvals: Mapped[list[Any]] = mapped_column(JSON, default=list)
    executor: Mapped[str] = mapped_column(String(32), default="local")
    target: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    exit_code: Mapped[int | None] = mapped_column(Integer)
    stdout: Mapped[str] = mapped_column(Text, default="")
    stderr: Mapped[str] = mapped_column(Text, default="")
    truncated: Mapped[bool] = mapped_column(Boolean, default=False)
    timed_out: Mapped[bool] = mapped_column(Boolean, default=False)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_step_runs_incident_status", "incident_id", "status"),)


class DrillResultRecord(Base):
    """One drill run: which runbook it proved, pass or fail, and its report."""

    __tablename__ = "drill_results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    drill: Mapped[str] = mapped_column(String(128), index=True)
    runbook_slug: Mapped[str] = mapped_column(String(255), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime)
    passed: Mapped[bool] = mapped_column(Boolean)
    approved: Mapped[bool] = mapped_column(Boolean, default=False)
    summary: Mapped[str] = mapped_column(Text, default="")
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
