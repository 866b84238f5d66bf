"""Notify: channels — the small protocol every way of reaching a person implements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

# Secure variants share the plain variant's template ("mailtos" reads like "mailto").
FAMILIES = {"mailtos": "mailto", "jsons": "json", "xmls": "xml", "forms": "form", "mmosts": "mmost",
            "https": "http", "ntfys": "ntfy", "gotifys": "gotify", "matrixs": "matrix", "rockets": "rocket"}


@dataclass(frozen=True, slots=True)
class Message:
    """One rendered notification; `delivery_id` identifies it across retries (idempotency key).

    `incident_id` is None for a notification about something else (a silence ending soon)."""

    title: str
    body: str
    delivery_id: int
    incident_id: int | None


@dataclass(frozen=True, slots=True)
class SendResult:
    """How one attempt went; `detail` says why it failed (or what accepted it)."""

    ok: bool
    detail: str = ""


class Channel(Protocol):
    """Hands a message to the outside world for one target address."""

    def accepts(self, target: str) -> bool: ...

    def send(self, target: str, message: Message) -> SendResult: ...


def scheme_of(target: str) -> str:
    """The lower-case scheme of a contact address ("slack://…" → "slack")."""
    scheme, sep, _rest = target.partition("://")
    return scheme.lower() if sep else ""


def family_of(target: str) -> str:
    """The channel family used to pick a template for `target`."""
    scheme = scheme_of(target)
    return FAMILIES.get(scheme, scheme)
