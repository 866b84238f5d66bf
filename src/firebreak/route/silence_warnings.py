"""Warn a silence's author before it expires: what to say (pure).

Sending it is not this stage's part: `flows.silence_warnings` writes the notice to the
notification outbox, and the worker delivers it with retries, like a page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from firebreak.route.silences import Silence


@dataclass(frozen=True, slots=True)
class SilenceNotice:
    """A message to the author of one silence."""

    silence_id: str
    author: str
    title: str
    body: str


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
