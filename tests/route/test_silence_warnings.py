"""Warning silence authors: the notice, and delivery through the author's contact methods."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from firebreak.notify.channel import Message, SendResult
from firebreak.notify.console import ConsoleChannel
from firebreak.route.matchers import parse_matchers
from firebreak.route.silence_warnings import deliver, expiry_notice
from firebreak.route.silences import Silence

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
SILENCE = Silence(id="3f2a9c1e-0000-4000-8000-000000000000", matchers=parse_matchers('service="api"'),
                  starts_at=NOW - timedelta(hours=1), ends_at=NOW + timedelta(minutes=45), created_by="amara",
                  comment="deploying api v2")


class Refusing:
    """A channel that accepts slack addresses and always fails (stands in for an unreachable chat)."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def accepts(self, target: str) -> bool:
        return target.startswith("slack://")

    def send(self, target: str, message: Message) -> SendResult:
        self.sent.append(target)
        return SendResult(False, "chat unreachable")


def test_notice_says_when_and_what() -> None:
    notice = expiry_notice(SILENCE, NOW)
    assert notice.author == "amara" and notice.silence_id == SILENCE.id
    assert notice.title == "Silence 3f2a9c1e ends in 45 min"
    assert 'service="api"' in notice.body and "deploying api v2" in notice.body
    assert "has not muted any alert" in notice.body
    used = expiry_notice(replace(SILENCE, last_matched_at=NOW), NOW)
    assert "last muted an alert at 2026-06-01T12:00:00+00:00" in used.body


def test_delivery_falls_back_to_the_next_contact_method() -> None:
    stream = io.StringIO()
    refusing = Refusing()
    contacts = {"amara": ["slack://T000/B000/XXX", "console://"]}
    outcome = deliver(expiry_notice(SILENCE, NOW), contacts, [refusing, ConsoleChannel(stream)], delivery_id=7)
    assert outcome.result.ok and outcome.target == "console://"
    assert refusing.sent == ["slack://T000/B000/XXX"]
    printed = json.loads(stream.getvalue())
    assert printed["title"].startswith("Silence 3f2a9c1e") and printed["delivery"] == 7


def test_unreachable_authors_are_reported() -> None:
    notice = expiry_notice(SILENCE, NOW)
    missing = deliver(notice, {}, [ConsoleChannel(io.StringIO())], delivery_id=1)
    assert not missing.result.ok and "no contact method" in missing.result.detail
    failing = deliver(notice, {"amara": ["slack://x"]}, [Refusing()], delivery_id=1)
    assert not failing.result.ok and failing.result.detail == "chat unreachable"
    unknown = deliver(notice, {"amara": ["pigeon://x"]}, [Refusing()], delivery_id=1)
    assert not unknown.result.ok and "no channel accepts" in unknown.result.detail
