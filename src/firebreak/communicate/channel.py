"""Communicate: an incident's chat channel name, `#incident-YYYYMMDD-<slug>` by default (pure).

Chat services take lower-case letters, digits and dashes, at most 80 characters (Slack's limit);
the slug is the title in those, cut at a word boundary.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

MAX_NAME = 80
MAX_SLUG = 40
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(title: str, *, limit: int = MAX_SLUG) -> str:
    """`API Errors Elevated (15%)` → `api-errors-elevated-15`."""
    words = _NOT_SLUG.sub("-", title.casefold()).strip("-")
    if len(words) <= limit:
        return words or "incident"
    cut = words[:limit + 1]
    cut = cut[:cut.rfind("-")] if "-" in cut else cut[:limit]
    return cut.strip("-") or words[:limit]


def channel_name(pattern: str, *, incident_id: int, title: str, opened_at: datetime) -> str:
    """The channel name the pattern gives (`{date}`, `{slug}`, `{id}`), within chat services' limits."""
    date = opened_at.astimezone(UTC).strftime("%Y%m%d")
    name = pattern.format(date=date, slug=slug(title), id=incident_id)
    prefix = "#" if name.startswith("#") else ""
    body = _NOT_SLUG.sub("-", name.removeprefix("#").casefold()).strip("-")
    return prefix + body[:MAX_NAME - len(prefix)].rstrip("-")
