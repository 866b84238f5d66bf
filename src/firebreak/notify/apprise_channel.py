"""Notify: every service apprise speaks (Slack, Teams, Discord, Telegram, Mattermost, e-mail, webhooks…)."""

from __future__ import annotations

import logging
import threading
from typing import Any

import apprise

from firebreak.kernel.redact import mask_address
from firebreak.notify.channel import Message, SendResult, scheme_of

# Generic webhook schemes carry the delivery id as a header so receivers can drop repeats.
HEADER_SCHEMES = frozenset({"json", "jsons", "xml", "xmls", "form", "forms"})
DELIVERY_HEADER = "X-Firebreak-Delivery"
APPRISE_LOG = logging.getLogger("apprise")


class AppriseChannel:
    """Sends through apprise; each sending thread keeps its own notifier per address."""

    def __init__(self, *, timeout: float = 10.0) -> None:
        self._timeout = timeout
        self._local = threading.local()

    def accepts(self, target: str) -> bool:
        return valid(target)

    def send(self, target: str, message: Message) -> SendResult:
        server = self._notifier(target)
        if server is None:
            return SendResult(False, f"not a notification address apprise understands: {redact(target)}")
        if scheme_of(target) in HEADER_SCHEMES:
            server.headers[DELIVERY_HEADER] = str(message.delivery_id)
        # Calling the notifier directly keeps the work, and its log records, on this thread.
        capture = ThreadWarnings()
        APPRISE_LOG.addHandler(capture)
        try:
            delivered = server.notify(body=message.body, title=message.title)
        finally:
            APPRISE_LOG.removeHandler(capture)
        if delivered:
            return SendResult(True, f"accepted by {scheme_of(target)}")
        return SendResult(False, capture.text() or "apprise reported failure")

    def _notifier(self, target: str) -> Any:
        """This thread's notifier for `target`: parsing an address costs more than sending on a LAN."""
        cache: dict[str, Any] = self._local.__dict__.setdefault("notifiers", {})
        if target not in cache:
            server = apprise.Apprise.instantiate(target, suppress_exceptions=True)
            if server is not None:
                # apprise's default timeouts are long; a page must not hold a worker thread for minutes
                server.socket_connect_timeout = self._timeout
                server.socket_read_timeout = self._timeout
            if len(cache) > 512:
                cache.clear()
            cache[target] = server
        return cache[target]


def valid(target: str) -> bool:
    """True when apprise can build a notifier for `target`."""
    return apprise.Apprise.instantiate(target, suppress_exceptions=True) is not None


def redact(target: str) -> str:
    """`target` as logs, the API and the timeline show it: the host it points at for webhook and
    mail schemes, nothing but the scheme where the address itself is a token (most chat services)."""
    return mask_address(target)


class ThreadWarnings(logging.Handler):
    """Collects apprise's warnings raised on the creating thread (sends run on many threads at once)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self._thread = threading.get_ident()
        self._lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self._thread:
            self._lines.append(record.getMessage().strip())

    def text(self, limit: int = 500) -> str:
        return " | ".join(line for line in self._lines if line)[-limit:]
