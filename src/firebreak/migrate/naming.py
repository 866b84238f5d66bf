"""Migrate: Firebreak names for vendor objects — readable, valid (`config/types.py: check_name`) and unique."""

from __future__ import annotations

import re
import unicodedata

from firebreak.config.types import check_name

_INVALID = re.compile(r"[^a-z0-9_.@+-]+")
NAME_MAX = 100


def slug(text: str, fallback: str = "imported") -> str:
    """`Daily Engineering Rotation` → `daily-engineering-rotation`; letters, digits and `_.@+-` only."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    cleaned = _INVALID.sub("-", plain.strip().lower()).strip("-_.@+")
    cleaned = re.sub(r"-{2,}", "-", cleaned)[:NAME_MAX].strip("-_.@+")
    return cleaned or fallback


class Namer:
    """Hands out names unique within one section, remembering which vendor id got which name."""

    def __init__(self) -> None:
        self._taken: set[str] = set()
        self.by_id: dict[str, str] = {}

    def name(self, text: str, vendor_id: str | None = None, fallback: str = "imported") -> str:
        if vendor_id is not None and vendor_id in self.by_id:
            return self.by_id[vendor_id]
        base = slug(text, fallback)
        candidate, number = base, 2
        while candidate in self._taken:
            candidate = f"{base[:NAME_MAX - 4]}-{number}"
            number += 1
        check_name(candidate)
        self._taken.add(candidate)
        if vendor_id is not None:
            self.by_id[vendor_id] = candidate
        return candidate

    def get(self, vendor_id: str) -> str | None:
        return self.by_id.get(vendor_id)


def handle_from(email: str | None, name: str | None, vendor_id: str) -> str:
    """The text a user's handle is made from: the e-mail's local part, else the name, else the id."""
    if email and "@" in email:
        return email.split("@", 1)[0]
    return name or vendor_id
