"""Warning silence authors: the notice (its delivery is the outbox's: tests/notify/test_silence_warning_delivery.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from firebreak.route.matchers import parse_matchers
from firebreak.route.silence_warnings import expiry_notice
from firebreak.route.silences import Silence

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
SILENCE = Silence(id="3f2a9c1e-0000-4000-8000-000000000000", matchers=parse_matchers('service="api"'),
                  starts_at=NOW - timedelta(hours=1), ends_at=NOW + timedelta(minutes=45), created_by="amara",
                  comment="deploying api v2")


def test_notice_says_when_and_what() -> None:
    notice = expiry_notice(SILENCE, NOW)
    assert notice.author == "amara" and notice.silence_id == SILENCE.id
    assert notice.title == "Silence 3f2a9c1e ends in 45 min"
    assert 'service="api"' in notice.body and "deploying api v2" in notice.body
    assert "has not muted any alert" in notice.body
    used = expiry_notice(replace(SILENCE, last_matched_at=NOW), NOW)
    assert "last muted an alert at 2026-06-01T12:00:00+00:00" in used.body
