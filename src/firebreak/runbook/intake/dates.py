"""Review dates written in runbooks (`*Last Updated: December 2024*`, front matter `next_review:`)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

MONTHS = {name.lower(): index for index, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): index for index, name in enumerate(calendar.month_abbr) if name})
LAST = re.compile(r"\b(?:last[ _-]?(?:updated|modified|reviewed))\b\W{0,4}\s*[:=-]?\s*(.+)", re.I)
NEXT = re.compile(r"\b(?:next[ _-]?review(?:[ _-]?date)?|review[ _-]?by|review[ _-]?due)\b\W{0,4}\s*[:=-]?\s*(.+)",
                  re.I)
FRONT_LAST = ("last_updated", "lastmod", "last_reviewed", "updated", "date")
FRONT_NEXT = ("next_review", "review_by", "review_date", "next_review_date")


@dataclass(frozen=True)
class ReviewDates:
    """When a document was last updated and when it is due for review, with the review line."""

    last_updated: date | None = None
    next_review: date | None = None
    next_review_line: int | None = None


def parse_date(text: str, *, end_of_month: bool) -> date | None:
    """ISO dates, `March 2025`, `2025-03`, `15 March 2025`, `March 15, 2025`."""
    text = text.strip().strip("*_` ").strip()
    match = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if match:
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            return None
    match = re.match(r"(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})", text) or None
    if match and match.group(2).lower() in MONTHS:
        try:
            return date(int(match.group(3)), MONTHS[match.group(2).lower()], int(match.group(1)))
        except ValueError:
            return None
    match = re.match(r"([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})", text)
    if match and match.group(1).lower() in MONTHS:
        try:
            return date(int(match.group(3)), MONTHS[match.group(1).lower()], int(match.group(2)))
        except ValueError:
            return None
    match = re.match(r"([A-Za-z]+)\.?,?\s+(\d{4})", text) or re.match(r"(\d{4})-(\d{1,2})\b", text)
    if not match:
        return None
    first, second = match.group(1), match.group(2)
    if first.isdigit():
        year, month = int(first), int(second)
    elif first.lower() in MONTHS:
        year, month = int(second), MONTHS[first.lower()]
    else:
        return None
    if not 1 <= month <= 12:
        return None
    day = calendar.monthrange(year, month)[1] if end_of_month else 1
    return date(year, month, day)


def _front_date(value: Any, *, end_of_month: bool) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return parse_date(value, end_of_month=end_of_month)
    return None


def review_dates(text: str, front_matter: dict[str, Any]) -> ReviewDates:
    """The review dates of a document: front matter first, then `Last Updated:` / `Next Review:` lines."""
    last = next((d for key in FRONT_LAST if (d := _front_date(front_matter.get(key), end_of_month=False))), None)
    nxt = next((d for key in FRONT_NEXT if (d := _front_date(front_matter.get(key), end_of_month=True))), None)
    line_no: int | None = 1 if nxt else None
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > 200:
            continue
        match = NEXT.search(line)
        if match and nxt is None:
            found = parse_date(match.group(1), end_of_month=True)
            if found:
                nxt, line_no = found, number
            continue
        match = LAST.search(line)
        if match and last is None:
            last = parse_date(match.group(1), end_of_month=False)
    return ReviewDates(last_updated=last, next_review=nxt, next_review_line=line_no)
