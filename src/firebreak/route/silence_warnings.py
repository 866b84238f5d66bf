"""Warn a silence's author before it expires: what to say, and handing it to their contact methods.

`expiry_notice` is pure. `deliver` tries the author's contact methods (from the configuration's
users, by handle) in order through the given channels until one accepts; an author who is not a
configured user, or has no contact method, is reported as unreachable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from firebreak.notify.channel import Channel, Message, SendResult
from firebreak.route.silences import Silence


@dataclass(frozen=True, slots=True)
class SilenceNotice:
    """A message to the author of one silence."""

    silence_id: str
    author: str
    title: str
    body: str


@dataclass(frozen=True, slots=True)
class NoticeOutcome:
    notice: SilenceNotice
    target: str | None
    result: SendResult


def expiry_notice(silence: Silence, now: datetime) -> SilenceNotice:
    """Tell the author that the silence ends soon and what it has been muting."""
    minutes = int(max(silence.ends_at - now, timedelta(0)).total_seconds() // 60)
    left = f"{minutes} min" if minutes < 120 else f"{minutes // 60} h {minutes % 60} min"
    matchers = ", ".join(str(m) for m in silence.matchers)
    used = (f"last muted an alert at {silence.last_matched_at.isoformat()}" if silence.last_matched_at
            else "has not muted any alert")
    return SilenceNotice(
        silence_id=silence.id, author=silence.created_by,
        title=f"Silence {silence.id[:8]} ends in {left}",
        body=(f"Your silence {{{matchers}}} ({silence.comment}) ends at {silence.ends_at.isoformat()} and "
              f"{used}. Matching alerts will page again after that; extend it with a new silence if the "
              "work is not finished."),
    )


def deliver(notice: SilenceNotice, contacts: Mapping[str, Sequence[str]], channels: Sequence[Channel],
            delivery_id: int) -> NoticeOutcome:
    """Send `notice` to the first of the author's contact addresses (`contacts` by handle, in order)
    that a channel accepts and delivers."""
    addresses = contacts.get(notice.author, ())
    if not addresses:
        return NoticeOutcome(notice, None, SendResult(False, f"{notice.author!r} has no contact method "
                                                             "in the configuration"))
    message = Message(title=notice.title, body=notice.body, delivery_id=delivery_id, incident_id=0)
    last = SendResult(False, "no channel accepts the author's contact methods")
    for address in addresses:
        channel = next((c for c in channels if c.accepts(address)), None)
        if channel is None:
            continue
        last = channel.send(address, message)
        if last.ok:
            return NoticeOutcome(notice, address, last)
    return NoticeOutcome(notice, None, last)
