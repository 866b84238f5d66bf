"""Notify: can a person be reached at all? Checked when the configuration loads."""

from __future__ import annotations

from firebreak.notify.apprise_channel import valid
from firebreak.notify.console import ConsoleChannel
from firebreak.notify.contact import Person


def unreachable_reason(person: Person | None) -> str | None:
    """Why nobody could page `person`, or None when at least one contact method works."""
    if person is None:
        return "not defined in users"
    if not person.contacts:
        return "no contact method"
    if any(ConsoleChannel.valid(c.target) or valid(c.target) for c in person.contacts):
        return None
    return "no contact method is a notification address Firebreak can send to"
