"""Hash-chain verification catches edits, insertions, deletions and truncation (pure)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from firebreak.incident.chain import GENESIS, ChainEntry, entry_hash, verify_chain

T0 = datetime(2026, 11, 22, 12, tzinfo=UTC)


def build(n: int) -> list[ChainEntry]:
    out, prev = [], GENESIS
    for seq in range(1, n + 1):
        data = {"n": seq}
        digest = entry_hash(incident_id=1, seq=seq, at=T0 + timedelta(seconds=seq), kind="note", actor="a",
                            data=data, prev_hash=prev)
        out.append(ChainEntry(1, seq, T0 + timedelta(seconds=seq), "note", "a", data, prev, digest))
        prev = digest
    return out


def test_intact_chain() -> None:
    chain = build(5)
    assert verify_chain(chain, head=chain[-1].hash, count=5).ok


def test_edit_is_caught() -> None:
    chain = build(5)
    chain[2] = replace(chain[2], data={"n": 99})
    verdict = verify_chain(chain, head=chain[-1].hash, count=5)
    assert not verdict.ok and verdict.first_bad_seq == 3 and "edited" in verdict.problems[0]


def test_deletion_in_the_middle_and_at_the_end() -> None:
    chain = build(5)
    verdict = verify_chain(chain[:2] + chain[3:], head=chain[-1].hash, count=5)
    assert not verdict.ok and verdict.first_bad_seq == 4
    verdict = verify_chain(chain[:4], head=chain[-1].hash, count=5)
    assert not verdict.ok and "5 entries" in verdict.problems[0]


def test_insertion_is_caught_even_with_renumbering() -> None:
    chain = build(4)
    forged_prev = chain[1].hash
    forged = ChainEntry(1, 3, T0, "note", "mallory", {"n": "forged"}, forged_prev,
                        entry_hash(incident_id=1, seq=3, at=T0, kind="note", actor="mallory",
                                   data={"n": "forged"}, prev_hash=forged_prev))
    renumbered = [replace(e, seq=e.seq + 1) for e in chain[2:]]
    verdict = verify_chain([*chain[:2], forged, *renumbered], head=chain[-1].hash, count=5)
    assert not verdict.ok and verdict.first_bad_seq == 4
