"""Acknowledge links: valid until expiry, refused when forged, altered or malformed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from firebreak.kernel.errors import InvalidInput, Unauthenticated
from firebreak.notify.ack_link import sign, verify

SECRET = b"test-secret"
NOW = datetime(2024, 5, 1, 12, tzinfo=UTC)


def test_link_round_trips_until_it_expires() -> None:
    token = sign(SECRET, incident_id=42, user="ann", now=NOW, ttl=timedelta(hours=1))
    claim = verify(SECRET, token, now=NOW + timedelta(minutes=59))
    assert (claim.incident_id, claim.user) == (42, "ann")
    with pytest.raises(Unauthenticated, match="expired"):
        verify(SECRET, token, now=NOW + timedelta(hours=1))


def test_other_secret_or_altered_body_is_refused() -> None:
    token = sign(SECRET, incident_id=42, user="ann", now=NOW, ttl=timedelta(hours=1))
    with pytest.raises(Unauthenticated):
        verify(b"other", token, now=NOW)
    other = sign(SECRET, incident_id=43, user="ann", now=NOW, ttl=timedelta(hours=1))
    forged = other.split(".")[0] + "." + token.split(".")[1]
    with pytest.raises(Unauthenticated):
        verify(SECRET, forged, now=NOW)


@pytest.mark.parametrize("token", ["no-dot-here", "abc.d\u00e9f", "\u00e9t\u00e9.sig"])
def test_malformed_tokens_name_the_token(token: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        verify(SECRET, token, now=NOW)
    assert caught.value.field == "token"


def test_empty_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="secret"):
        sign(b"", incident_id=1, user="a", now=NOW, ttl=timedelta(hours=1))
