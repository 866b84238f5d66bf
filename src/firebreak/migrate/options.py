"""Migrate: what the person importing decides — how e-mail contact methods are sent."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """`email_via` turns an imported e-mail address into a contact method: an apprise URL with `{email}`,
    e.g. `mailtos://pager:secret@smtp.example.com?to={email}` (None: e-mail addresses are kept on the
    user but not paged)."""

    email_via: str | None = None

    def email_contact(self, address: str) -> str | None:
        if not self.email_via or "{email}" not in self.email_via:
            return None
        return self.email_via.replace("{email}", address)
