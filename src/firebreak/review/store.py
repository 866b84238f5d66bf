"""Review: storage of post-incident reviews — draft, edit, complete; every version kept (never commits)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from firebreak.db.models.review import ReviewRecord, ReviewVersionRecord
from firebreak.kernel.errors import Conflict, InvalidInput, NotFound
from firebreak.review.template import KEYS, missing_for_completion

STATUSES = ("draft", "complete")
MAX_SECTION_CHARS = 100_000


def find(session: Session, *, incident_id: int, lock: bool = False) -> ReviewRecord | None:
    """An incident's review, if one was drafted."""
    query = select(ReviewRecord).where(ReviewRecord.incident_id == incident_id)
    if lock:
        query = query.with_for_update()
    return session.scalars(query).one_or_none()


def get(session: Session, *, incident_id: int, lock: bool = False) -> ReviewRecord:
    """An incident's review; NotFound before the incident first resolved."""
    review = find(session, incident_id=incident_id, lock=lock)
    if review is None:
        raise NotFound(f"incident {incident_id} has no review yet: one is drafted when it resolves")
    return review


def keep_version(session: Session, review: ReviewRecord, *, author: str, now: datetime, change: str) -> None:
    """Write the review as it stands as its next version."""
    session.add(ReviewVersionRecord(review_id=review.id, version=review.version, status=review.status,
                                    sections=dict(review.sections), author=author[:255], saved_at=now,
                                    change=change))


def draft(session: Session, *, incident_id: int, drafted: Mapping[str, str], author: str, now: datetime,
          change: str) -> ReviewRecord:
    """Create the review from a draft, or bring the sections nobody edited up to date with a new draft.

    A section a person changed (its text differs from what the last draft wrote) is kept as it is.
    """
    review = find(session, incident_id=incident_id, lock=True)
    if review is None:
        review = ReviewRecord(incident_id=incident_id, status="draft", version=1, sections=dict(drafted),
                              generated=dict(drafted), created_at=now, updated_at=now)
        session.add(review)
        session.flush()
        keep_version(session, review, author=author, now=now, change=change)
        return review
    old = dict(review.generated or {})
    current = dict(review.sections)
    merged = {key: (drafted[key] if current.get(key) == old.get(key) else current.get(key, drafted[key]))
              for key in KEYS}
    review.generated = dict(drafted)
    if merged != current:
        review.sections = merged
        review.version += 1
        review.updated_at = now
        keep_version(session, review, author=author, now=now, change=change)
    return review


def checked_sections(sections: Mapping[str, object]) -> dict[str, str]:
    """Sections as sent by a person, checked: known keys, text, not too long."""
    unknown = sorted(set(sections) - set(KEYS))
    if unknown:
        raise InvalidInput(f"unknown review section {unknown[0]!r}; sections are {', '.join(KEYS)}",
                           field=f"sections.{unknown[0]}")
    checked: dict[str, str] = {}
    for key, text in sections.items():
        if not isinstance(text, str):
            raise InvalidInput(f"section {key!r} must be text", field=f"sections.{key}")
        if len(text) > MAX_SECTION_CHARS:
            raise InvalidInput(f"section {key!r} is longer than {MAX_SECTION_CHARS} characters",
                               field=f"sections.{key}")
        checked[key] = text.replace("\r\n", "\n")
    return checked


def save(session: Session, *, incident_id: int, sections: Mapping[str, object], status: str | None,
         base_version: int | None, author: str, now: datetime) -> ReviewRecord:
    """Apply a person's edit (some or all sections, and/or the status) as a new version.

    `base_version` is the version the edit started from: when someone saved in between, the edit
    is refused (Conflict) instead of silently undoing theirs. A review is marked complete only
    when its summary, root cause and resolution say more than their prompts.
    """
    changed = checked_sections(sections)
    if status is not None and status not in STATUSES:
        raise InvalidInput(f"unknown review status {status!r}; use draft or complete", field="status")
    review = get(session, incident_id=incident_id, lock=True)
    if base_version is not None and base_version != review.version:
        raise Conflict(f"the review changed since version {base_version} (it is at version {review.version}); "
                       "load it again and redo the edit")
    merged = {**review.sections, **changed}
    target = status or review.status
    if target == "complete":
        missing = missing_for_completion(merged)
        if missing:
            raise InvalidInput(f"a complete review needs {', '.join(missing)} written (more than the prompt)",
                               field="status")
    if merged == review.sections and target == review.status:
        return review
    what = [f"edited {', '.join(k for k in KEYS if k in changed and changed[k] != review.sections.get(k))}"]
    if target != review.status:
        what.append(f"marked {target}")
        review.completed_at, review.completed_by = (now, author[:255]) if target == "complete" else (None, None)
    review.sections = merged
    review.status = target
    review.version += 1
    review.updated_at = now
    keep_version(session, review, author=author, now=now,
                 change="; ".join(part for part in what if part != "edited "))
    return review


def versions(session: Session, *, incident_id: int) -> list[ReviewVersionRecord]:
    """Every version of the incident's review, oldest first."""
    review = get(session, incident_id=incident_id)
    return list(session.scalars(select(ReviewVersionRecord).where(ReviewVersionRecord.review_id == review.id)
                                .order_by(ReviewVersionRecord.version)))


def version(session: Session, *, incident_id: int, number: int) -> ReviewVersionRecord:
    """One version of the incident's review."""
    review = get(session, incident_id=incident_id)
    found = session.scalars(select(ReviewVersionRecord).where(ReviewVersionRecord.review_id == review.id,
                                                              ReviewVersionRecord.version == number)).one_or_none()
    if found is None:
        raise NotFound(f"the review of incident {incident_id} has no version {number} (it is at {review.version})")
    return found
