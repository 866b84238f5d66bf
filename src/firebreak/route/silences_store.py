"""Silences in storage: create, read, expire, and the usage bookkeeping behind the reports.

Keyword-only functions on a caller's session; they flush but never commit (the edge does).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from firebreak.db.models.route import SilenceRecord
from firebreak.kernel.errors import Conflict, InvalidInput, NotFound
from firebreak.route.matchers import Matcher, parse_matcher
from firebreak.route.silences import UNUSED_AFTER, Silence, SilenceState
from firebreak.route.silences import unused as find_unused

StateFilter = Literal["active", "pending", "expired", "all"]
MAX_MATCHERS = 50
MAX_LIST = 1000


def state_of(record: SilenceRecord, now: datetime) -> SilenceState:
    if now < record.starts_at:
        return "pending"
    return "active" if now < record.ends_at else "expired"


def to_silence(record: SilenceRecord) -> Silence:
    """The route-stage value of a stored silence (matchers were validated when it was written)."""
    return Silence(
        id=record.id, matchers=tuple(parse_matcher(text) for text in record.matchers),
        starts_at=record.starts_at, ends_at=record.ends_at, created_by=record.created_by,
        comment=record.comment, created_at=record.created_at, last_matched_at=record.last_matched_at,
    )


def parse_silence_matchers(texts: Sequence[str | Matcher]) -> list[Matcher]:
    """Validate a silence's matchers; InvalidInput names the one at fault."""
    if not texts:
        raise InvalidInput("a silence needs at least one matcher", field="matchers")
    if len(texts) > MAX_MATCHERS:
        raise InvalidInput(f"at most {MAX_MATCHERS} matchers per silence", field="matchers")
    found: list[Matcher] = []
    for index, text in enumerate(texts):
        if isinstance(text, Matcher):
            found.append(text)
            continue
        try:
            found.append(parse_matcher(text))
        except ValueError as exc:
            raise InvalidInput(str(exc), field=f"matchers[{index}]") from exc
    if all(m.matches({}) for m in found):
        # e.g. only `x=""` or `x=~".*"`: that would silence every alert
        raise InvalidInput("these matchers match every alert; add one that needs a label value",
                           field="matchers")
    return found


def create(*, session: Session, matchers: Sequence[str | Matcher], ends_at: datetime, created_by: str,
           comment: str, now: datetime, starts_at: datetime | None = None) -> SilenceRecord:
    """Store a new silence starting at `starts_at` (default now)."""
    parsed = parse_silence_matchers(matchers)
    begin = starts_at or now
    if begin.tzinfo is None or ends_at.tzinfo is None:
        raise InvalidInput("times need a time zone (e.g. 2026-01-01T10:00:00Z)",
                           field="starts_at" if begin.tzinfo is None else "ends_at")
    if ends_at <= begin:
        raise InvalidInput("a silence must end after it starts", field="ends_at")
    if ends_at <= now:
        raise InvalidInput("this silence would already be over", field="ends_at")
    if not comment.strip():
        raise InvalidInput("say why: a silence needs a comment", field="comment")
    if not created_by.strip():
        raise InvalidInput("a silence needs an author", field="created_by")
    record = SilenceRecord(
        id=str(uuid.uuid4()), matchers=[str(m) for m in parsed], starts_at=begin, ends_at=ends_at,
        created_by=created_by.strip(), comment=comment.strip(), created_at=now, updated_at=now,
        match_count=0,
    )
    session.add(record)
    session.flush()
    return record


def get(*, session: Session, silence_id: str) -> SilenceRecord:
    record = session.get(SilenceRecord, silence_id)
    if record is None:
        raise NotFound(f"no silence {silence_id!r}")
    return record


def _filtered(query: Select[tuple[SilenceRecord]], state: StateFilter, now: datetime) -> Select[tuple[SilenceRecord]]:
    if state == "active":
        return query.where(SilenceRecord.starts_at <= now, SilenceRecord.ends_at > now)
    if state == "pending":
        return query.where(SilenceRecord.starts_at > now)
    if state == "expired":
        return query.where(SilenceRecord.ends_at <= now)
    return query


def get_all(*, session: Session, now: datetime, state: StateFilter = "all",
            limit: int = MAX_LIST) -> list[SilenceRecord]:
    """Silences in one state (or all), ending soonest first for live ones, latest first otherwise."""
    query = _filtered(select(SilenceRecord), state, now)
    order = SilenceRecord.ends_at.desc() if state in ("expired", "all") else SilenceRecord.ends_at.asc()
    return list(session.scalars(query.order_by(order, SilenceRecord.id).limit(limit)))


def active(*, session: Session, now: datetime) -> list[Silence]:
    """Active silences as route-stage values."""
    return [to_silence(record) for record in get_all(session=session, now=now, state="active")]


def expire(*, session: Session, silence_id: str, now: datetime, by: str) -> SilenceRecord:
    """End a silence now (a pending one never starts); Conflict if it is already over."""
    record = get(session=session, silence_id=silence_id)
    if state_of(record, now) == "expired":
        raise Conflict(f"silence {silence_id} already expired at {record.ends_at.isoformat()}", allowed=[])
    if record.starts_at > now:
        record.starts_at = now
    record.ends_at = now
    record.expired_by = by
    record.updated_at = now
    session.flush()
    return record


def record_matches(*, session: Session, silence_ids: Iterable[str], now: datetime) -> None:
    """Note that these silences just muted an alert (ids of configuration silences are ignored)."""
    ids = sorted(set(silence_ids))
    if not ids:
        return
    session.execute(
        update(SilenceRecord).where(SilenceRecord.id.in_(ids))
        .values(last_matched_at=now, match_count=SilenceRecord.match_count + 1)
        .execution_options(synchronize_session=False))


def expiring(*, session: Session, now: datetime, within: timedelta) -> list[SilenceRecord]:
    """Active silences ending within `within`."""
    query = select(SilenceRecord).where(SilenceRecord.starts_at <= now, SilenceRecord.ends_at > now,
                                        SilenceRecord.ends_at <= now + within)
    return list(session.scalars(query.order_by(SilenceRecord.ends_at, SilenceRecord.id)))


def claim_expiry_warnings(*, session: Session, now: datetime, within: timedelta) -> list[SilenceRecord]:
    """Expiring silences whose author has not been warned yet, marked as warned now.

    The rows are locked (SKIP LOCKED), so two runs at once never both claim one silence."""
    query = select(SilenceRecord).where(SilenceRecord.starts_at <= now, SilenceRecord.ends_at > now,
                                        SilenceRecord.ends_at <= now + within, SilenceRecord.expiry_warned_at.is_(None))
    due = list(session.scalars(query.order_by(SilenceRecord.ends_at, SilenceRecord.id)
                               .with_for_update(skip_locked=True)))
    for record in due:
        record.expiry_warned_at = now
    session.flush()
    return due


def unused(*, session: Session, now: datetime, idle: timedelta = UNUSED_AFTER) -> list[SilenceRecord]:
    """Active silences that muted nothing for `idle` (a week by default)."""
    records = get_all(session=session, now=now, state="active")
    idle_ids = {silence.id for silence in find_unused([to_silence(r) for r in records], now, idle)}
    return [record for record in records if record.id in idle_ids]
