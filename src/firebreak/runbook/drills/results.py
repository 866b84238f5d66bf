"""Drills: results per runbook — record one run, the latest per runbook (last run, last passed), history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from firebreak.db.models.execution import DrillResultRecord


@dataclass(frozen=True, slots=True)
class Latest:
    """What is known about a runbook's drills."""

    last_run_at: datetime
    last_passed: bool
    last_passed_at: datetime | None


def record(session: Session, *, drill: str, runbook: str, started_at: datetime, finished_at: datetime,
           passed: bool, approved: bool, summary: str, report: dict[str, Any]) -> DrillResultRecord:
    """Store one drill result (the caller commits)."""
    row = DrillResultRecord(drill=drill, runbook_slug=runbook, started_at=started_at, finished_at=finished_at,
                            passed=passed, approved=approved, summary=summary, report=report)
    session.add(row)
    session.flush()
    return row


def latest(session: Session) -> dict[str, Latest]:
    """Per runbook slug: when it was last drilled, whether that passed, and when it last passed."""
    rows = session.execute(select(DrillResultRecord.runbook_slug, func.max(DrillResultRecord.finished_at))
                           .where(DrillResultRecord.passed.is_(True)).group_by(DrillResultRecord.runbook_slug))
    passed_at = {slug: at for slug, at in rows}
    newest = session.scalars(select(DrillResultRecord).order_by(DrillResultRecord.finished_at.desc(),
                                                                DrillResultRecord.id.desc()))
    out: dict[str, Latest] = {}
    for row in newest:
        if row.runbook_slug not in out:
            out[row.runbook_slug] = Latest(row.finished_at, row.passed, passed_at.get(row.runbook_slug))
    return out


def history(session: Session, *, drill: str, limit: int = 50) -> list[DrillResultRecord]:
    """A drill's results, newest first."""
    return list(session.scalars(select(DrillResultRecord).where(DrillResultRecord.drill == drill)
                                .order_by(DrillResultRecord.id.desc()).limit(limit)))
