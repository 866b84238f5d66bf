"""Hash chain of timeline entries (pure): each entry's hash covers its content and the previous hash."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from firebreak.kernel.clock import as_utc

GENESIS = "0" * 64


def entry_hash(*, incident_id: int, seq: int, at: datetime, kind: str, actor: str,
               data: dict[str, Any], prev_hash: str) -> str:
    """SHA-256 over the canonical JSON of an entry and the hash before it."""
    blob = orjson.dumps(
        {"incident_id": incident_id, "seq": seq, "at": as_utc(at).isoformat(timespec="microseconds"),
         "kind": kind, "actor": actor, "data": data, "prev": prev_hash},
        option=orjson.OPT_SORT_KEYS,
    )
    return hashlib.sha256(blob).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainEntry:
    """The stored fields of one entry, as read back for verification."""

    incident_id: int
    seq: int
    at: datetime
    kind: str
    actor: str
    data: dict[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class Verdict:
    """Result of verifying a chain: ok, or the first broken entry and why."""

    ok: bool
    entries: int
    problems: tuple[str, ...] = ()
    first_bad_seq: int | None = None


def verify_chain(entries: list[ChainEntry], *, head: str, count: int) -> Verdict:
    """Detect edited, inserted and deleted entries (the incident keeps the head and count)."""
    problems: list[str] = []
    first_bad: int | None = None
    prev = GENESIS
    for expected_seq, entry in enumerate(entries, start=1):
        issue = None
        if entry.seq != expected_seq:
            issue = f"entry {entry.seq}: expected sequence number {expected_seq} (an entry is missing or inserted)"
        elif entry.prev_hash != prev:
            issue = f"entry {entry.seq}: previous-hash link broken (an entry before it was removed or inserted)"
        else:
            recomputed = entry_hash(incident_id=entry.incident_id, seq=entry.seq, at=entry.at,
                                    kind=entry.kind, actor=entry.actor, data=entry.data,
                                    prev_hash=entry.prev_hash)
            if recomputed != entry.hash:
                issue = f"entry {entry.seq}: content does not match its hash (edited)"
        if issue:
            problems.append(issue)
            first_bad = entry.seq if first_bad is None else first_bad
            break
        prev = entry.hash
    if not problems:
        if len(entries) != count:
            problems.append(f"the incident records {count} entries but {len(entries)} exist")
        elif prev != (head or GENESIS):
            problems.append("the last entry does not match the incident's recorded head (truncated)")
    return Verdict(ok=not problems, entries=len(entries), problems=tuple(problems),
                   first_bad_seq=first_bad)
