"""Runbook storage: save imports (keeping every version), list, search and show. Services never commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from firebreak.db.models.runbook import RunbookRecord, RunbookVersionRecord
from firebreak.kernel.errors import InvalidInput, NotFound
from firebreak.runbook.library.serialize import content_hash, runbook_from_dict, runbook_to_dict
from firebreak.runbook.model import Runbook

CHUNK = 500


@dataclass
class SaveReport:
    """What an import changed."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)


@dataclass(frozen=True)
class Page:
    """One slice of the runbook list (limit, offset) and how many match in all."""

    items: list[Runbook]
    total: int


@dataclass(frozen=True)
class Version:
    """One stored version of a runbook."""

    version: int
    content_hash: str
    source_path: str
    imported_at: datetime
    imported_by: str


def search_text(runbook: Runbook) -> str:
    """Lower-case text searched by `search`: title, alert names, symptoms, phases and commands."""
    parts = [runbook.title, runbook.slug, *runbook.alert_names, *runbook.symptoms,
             *(p.name for p in runbook.phases), *(c.text for c in runbook.commands)]
    return "\n".join(parts).lower()


def save_runbooks(session: Session, *, runbooks: Sequence[Runbook], now: datetime,
                  actor: str = "firebreak") -> SaveReport:
    """Insert new runbooks and update changed ones by slug; every distinct content becomes a version."""
    report = SaveReport()
    slugs = [r.slug for r in runbooks]
    if len(set(slugs)) != len(slugs):
        duplicate = next(s for s in slugs if slugs.count(s) > 1)
        raise InvalidInput(f"slug {duplicate!r} appears twice in one import", field="runbooks")
    existing: dict[str, RunbookRecord] = {}
    for start in range(0, len(slugs), CHUNK):
        chunk = slugs[start:start + CHUNK]
        for record in session.scalars(select(RunbookRecord).where(RunbookRecord.slug.in_(chunk))):
            existing[record.slug] = record
    pending: list[tuple[RunbookRecord, dict[str, object], str, str]] = []
    for runbook in runbooks:
        body = runbook_to_dict(runbook)
        digest = content_hash(body)
        record = existing.get(runbook.slug)
        if record is not None and record.content_hash == digest:
            report.unchanged.append(runbook.slug)
            continue
        if record is None:
            record = RunbookRecord(slug=runbook.slug, version=0, imported_at=now)
            session.add(record)
            report.created.append(runbook.slug)
        else:
            report.updated.append(runbook.slug)
        _fill(record, runbook, body, digest, now)
        record.version += 1
        pending.append((record, body, digest, runbook.source_path))
    session.flush()
    session.add_all([RunbookVersionRecord(runbook_id=record.id, version=record.version, content_hash=digest,
                                          source_path=source_path, body=body, imported_at=now, imported_by=actor)
                     for record, body, digest, source_path in pending])
    session.flush()
    return report


def _fill(record: RunbookRecord, runbook: Runbook, body: dict[str, object], digest: str, now: datetime) -> None:
    record.title = runbook.title
    record.kind = runbook.kind
    record.source_path = runbook.source_path
    record.line = runbook.line
    record.collection = runbook.collection
    record.url = runbook.url
    record.severity_hint = runbook.severity_hint
    record.alert_names = list(runbook.alert_names)
    record.search_text = search_text(runbook)
    record.body = body
    record.content_hash = digest
    record.updated_at = now


def list_runbooks(session: Session, *, kind: str | None = None, query: str | None = None, limit: int = 100,
                  offset: int = 0) -> Page:
    """Runbooks ordered by slug, optionally of one kind and matching every word of `query`."""
    statement = select(RunbookRecord)
    if kind:
        statement = statement.where(RunbookRecord.kind == kind)
    for word in (query or "").lower().split():
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        statement = statement.where(RunbookRecord.search_text.like(pattern, escape="\\"))
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    records = session.scalars(statement.order_by(RunbookRecord.slug).limit(limit).offset(offset))
    return Page(items=[runbook_from_dict(r.body) for r in records], total=total)


def search(session: Session, *, query: str, kind: str | None = None, limit: int = 50) -> list[Runbook]:
    """Runbooks whose title, alert names, symptoms or commands contain every word of `query`."""
    return list_runbooks(session, kind=kind, query=query, limit=limit).items


def get_record(session: Session, *, slug: str) -> RunbookRecord:
    record = session.scalars(select(RunbookRecord).where(RunbookRecord.slug == slug)).one_or_none()
    if record is None:
        raise NotFound(f"runbook {slug!r} not found")
    return record


def get_runbook(session: Session, *, slug: str) -> Runbook:
    """One runbook by slug, or NotFound."""
    return runbook_from_dict(get_record(session, slug=slug).body)


def history(session: Session, *, slug: str) -> list[Version]:
    """Every stored version of a runbook, oldest first."""
    record = get_record(session, slug=slug)
    rows = session.scalars(select(RunbookVersionRecord).where(RunbookVersionRecord.runbook_id == record.id)
                           .order_by(RunbookVersionRecord.version))
    return [Version(version=r.version, content_hash=r.content_hash, source_path=r.source_path,
                    imported_at=r.imported_at, imported_by=r.imported_by) for r in rows]


def library_state(session: Session) -> tuple[object, ...]:
    """What changes whenever a scenario runbook is added, replaced or removed (one aggregate row)."""
    row = session.execute(select(func.count(RunbookRecord.id), func.max(RunbookRecord.id),
                                 func.max(RunbookRecord.updated_at), func.sum(RunbookRecord.version))
                          .where(RunbookRecord.kind == "scenario")).one()
    return tuple(str(value) for value in row)


def scenarios(session: Session) -> list[Runbook]:
    """Every scenario runbook, for matching."""
    records = session.scalars(select(RunbookRecord).where(RunbookRecord.kind == "scenario")
                              .order_by(RunbookRecord.slug))
    return [runbook_from_dict(r.body) for r in records]
