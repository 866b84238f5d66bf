"""Notify: every service apprise speaks (Slack, Teams, Discord, Telegram, Mattermost, e-mail, webhooks…)."""

from __future__ import annotations

import logging
from urllib.parse import quote

import apprise

from firebreak.notify.channel import Message, SendResult, scheme_of

# Generic webhook schemes carry the delivery id as a header so receivers can drop repeats.
HEADER_SCHEMES = frozenset({"json", "jsons", "xml", "xmls", "form", "forms"})
DELIVERY_HEADER = "X-Firebreak-Delivery"


class AppriseChannel:
    """Sends through apprise; one fresh Apprise object per send keeps threads independent."""

    def __init__(self, *, timeout: float = 10.0) -> None:
        self._timeout = timeout

    def accepts(self, target: str) -> bool:
        return valid(target)

    def send(self, target: str, message: Message) -> SendResult:
        sender = apprise.Apprise()
        if not sender.add(with_delivery_header(target, message.delivery_id)):
            return SendResult(False, f"not a notification address apprise understands: {redact(target)}")
        for server in sender:
            # apprise's default timeouts are long; a page must not hold a worker thread for minutes
            server.socket_connect_timeout = self._timeout
            server.socket_read_timeout = self._timeout
        with apprise.LogCapture(level=logging.INFO) as output:
            delivered = sender.notify(title=message.title, body=message.body)
        detail = _last_lines(output.getvalue())
        if delivered:
            return SendResult(True, detail or "accepted")
        return SendResult(False, detail or "apprise reported failure")


def valid(target: str) -> bool:
    """True when apprise can build a notifier for `target`."""
    return apprise.Apprise.instantiate(target, suppress_exceptions=True) is not None


def redact(target: str) -> str:
    """`target` with secrets masked, for logs, the API and the timeline."""
    server = apprise.Apprise.instantiate(target, suppress_exceptions=True)
    if server is None:
        return f"{scheme_of(target)}://…"
    return str(server.url(privacy=True))


def with_delivery_header(target: str, delivery_id: int) -> str:
    """Add the idempotency header to generic webhook addresses."""
    if scheme_of(target) not in HEADER_SCHEMES:
        return target
    joiner = "&" if "?" in target else "?"
    return f"{target}{joiner}{quote('+' + DELIVERY_HEADER)}={delivery_id}"


def _last_lines(text: str, limit: int = 500) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " | ".join(lines)[-limit:]
