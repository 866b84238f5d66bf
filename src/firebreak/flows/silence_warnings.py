"""Silence-warning flow: claim silences about to end and queue the warning to each author in the outbox.

Claiming (marking a silence as warned) and writing its outbox rows happen in the caller's one
transaction, so a silence is warned once: the worker then delivers the warning with the outbox's
retries and contact-method fall-back, and every attempt is in the delivery log. An author who is
not a configured user, or has no contact method, is reported as unreachable and gets no rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from firebreak.escalate.directory import Directory
from firebreak.escalate.pager import display_target
from firebreak.notify import outbox
from firebreak.notify.render import Rendered
from firebreak.route import silences_store
from firebreak.route.silence_warnings import SilenceNotice, expiry_notice


@dataclass(frozen=True, slots=True)
class QueuedWarning:
    """One author's warning about one silence: where it was queued, or why nobody can be told."""

    notice: SilenceNotice
    targets: tuple[str, ...]  # contact methods (secrets masked), in the order they are tried
    problem: str | None = None


def queue_expiry_warnings(session: Session, *, directory: Directory, now: datetime,
                          within: timedelta) -> list[QueuedWarning]:
    """Warn the authors of silences ending within `within` (each silence once), through the outbox."""
    queued = []
    for record in silences_store.claim_expiry_warnings(session=session, now=now, within=within):
        notice = expiry_notice(silences_store.to_silence(record), now)
        person = directory.people.get(notice.author)
        if person is None or not person.contacts:
            queued.append(QueuedWarning(notice, (), f"{notice.author!r} has no contact method in the configuration"))
            continue
        drafts = [outbox.Draft(index, contact, display_target(contact.target), Rendered(notice.title, notice.body))
                  for index, contact in enumerate(person.contacts)]
        outbox.enqueue_silence_warning(session, silence_id=record.id, user=person.handle, drafts=drafts, due=now,
                                       hold_until=record.ends_at, now=now)
        queued.append(QueuedWarning(notice, tuple(draft.target_display for draft in drafts)))
    return queued
