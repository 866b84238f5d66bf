"""The `review` section: where action-item events and signed checkpoints go, and people's waking hours.

- `action_webhook`: a notification URL (e.g. `json://tracker.example/hook`) told when an action
  item is created or closed, so a tracker can pick it up.
- `checkpoints`: every signed checkpoint of an incident's timeline is also published outside the
  database — one log line (`log`, on by default), one JSON line appended to `file`, and/or a post
  to `webhook` — so a database rewritten together with its key is still caught.
- `waking_hours`: the hours, in each person's own time zone, when a page does not wake them;
  pages outside them count as out-of-hours in the on-call load report.
"""

from __future__ import annotations

from datetime import time
from pathlib import Path

from pydantic import Field

from firebreak.config.escalate import ClockTime, NotificationAddress
from firebreak.config.types import Strict


class CheckpointSpec(Strict):
    """Where signed timeline checkpoints are published besides the database."""

    log: bool = True
    file: Path | None = None
    webhook: NotificationAddress | None = None


class WakingHoursSpec(Strict):
    """Local hours a person is awake; `end` ≤ `start` runs past midnight."""

    start: ClockTime = time(8)
    end: ClockTime = time(22)


class ReviewSpec(Strict):
    """Post-incident reviews, action items and analytics."""

    action_webhook: NotificationAddress | None = None
    checkpoints: CheckpointSpec = Field(default_factory=CheckpointSpec)
    waking_hours: WakingHoursSpec = Field(default_factory=WakingHoursSpec)
