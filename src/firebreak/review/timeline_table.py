"""Review: the timeline table — which entries a review shows and what each says, in UTC (pure).

Without key events the table shows what the timeline knows about the response: alerts firing
and resolving, pages and who they reached, acknowledgements and every state change with its
reason, severity changes, runbooks attached and the results of their steps, and posted status
updates. Once responders mark key events, the table shows exactly those, each with the label
it was given (or what the entry says).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from firebreak.review.facts import Entry, IncidentFacts

STATE_WORDS = {
    "acknowledged": "Acknowledged", "investigating": "Investigating", "identified": "Root cause identified",
    "mitigating": "Mitigation started", "monitoring": "Fix applied, monitoring", "resolved": "Resolved",
    "closed": "Closed", "triggered": "Reopened",
}
SHOWN_BY_DEFAULT = frozenset({
    "alert.attached", "alerts.attached", "alert.resolved", "escalation.paged", "escalation.repaged",
    "escalation.exhausted", "incident.status", "incident.severity", "runbook.attached", "step.output",
})


@dataclass(frozen=True, slots=True)
class Row:
    """One row of the table."""

    at: datetime
    event: str
    by: str
    seq: int | None = None  # the timeline entry it shows (None for a status update)
    key: bool = False


def describe(entry: Entry, displays: dict[int, str]) -> str:
    """What a timeline entry records, as a sentence for the review (`displays`: step id → command)."""
    data: dict[str, Any] = entry.data or {}
    kind = entry.kind
    reason = f": {data['reason']}" if data.get("reason") else ""
    if kind == "incident.status":
        target = str(data.get("to"))
        if data.get("from") == "triggered" and target == "investigating":
            return f"Acknowledged by {entry.actor}, investigating{reason}"
        if target == "acknowledged":
            return f"Acknowledged by {entry.actor}{reason}"
        if data.get("from") == "resolved" and target != "closed":
            return f"Reopened{reason}"
        return STATE_WORDS.get(target, target.capitalize()) + reason
    if kind == "incident.opened":
        return f"Incident opened: {data.get('title', '')}"
    if kind in ("alert.attached", "alert.inhibited"):
        summary = f": {data['summary']}" if data.get("summary") else ""
        return f"Alert {data.get('name', '?')} fired{summary}"
    if kind in ("alerts.attached", "alerts.inhibited"):
        return str(data.get("summary") or f"{data.get('count', 'several')} alerts joined")
    if kind == "alert.resolved":
        return f"Alert {data.get('name', '?')} resolved"
    if kind in ("escalation.paged", "escalation.repaged"):
        people = ", ".join(str(p.get("user")) for p in data.get("paged") or []) or "nobody (no one reachable)"
        again = " again" if kind == "escalation.repaged" else ""
        return f"Paged{again} {people} (level {data.get('level')})"
    if kind == "escalation.exhausted":
        return "Escalation exhausted: every level was paged and nobody acknowledged"
    if kind == "incident.severity":
        return f"Severity {data.get('from') or 'unset'} → {data.get('to')}{reason}"
    if kind == "incident.role":
        return f"{str(data.get('role', '')).replace('_', ' ').capitalize()}: {data.get('to') or 'nobody'}"
    if kind == "runbook.attached":
        return f"Runbook {data.get('slug', '?')} attached"
    if kind == "step.output":
        command = displays.get(int(data.get("step_id") or 0), f"step {data.get('step_id')}")
        code = f" (exit {data['exit_code']})" if data.get("exit_code") is not None else ""
        return f"Runbook step `{command}` {data.get('status', 'finished')}{code}"
    if kind == "note":
        return f"Note: {data.get('text', '')}"
    return kind


def by(entry: Entry) -> str:
    """Who the row names: the sender for an alert (alertmanager, pagerduty …), else who made the entry."""
    if entry.kind.startswith("alert.") and entry.data.get("source"):
        return str(entry.data["source"])
    return entry.actor


def step_displays(facts: IncidentFacts) -> dict[int, str]:
    """Step id → the command as shown, from the steps and their `step.run` entries."""
    shown = {step.id: step.display for step in facts.steps if step.display}
    for entry in facts.entries:
        if entry.kind == "step.run" and entry.data.get("display"):
            shown.setdefault(int(entry.data.get("step_id") or 0), str(entry.data["display"]))
    return shown


def rows(facts: IncidentFacts) -> list[Row]:
    """The table's rows in time order: the key events when any are marked, else the default selection."""
    displays = step_displays(facts)
    if facts.key_events:
        return [Row(entry.at, facts.key_events.get(entry.seq) or describe(entry, displays), by(entry),
                    entry.seq, True)
                for entry in facts.entries if entry.seq in facts.key_events]
    chosen = [Row(entry.at, describe(entry, displays), by(entry), entry.seq)
              for entry in facts.entries if entry.kind in SHOWN_BY_DEFAULT]
    if not any(entry.kind.startswith(("alert.", "alerts.")) for entry in facts.entries):
        chosen += [Row(entry.at, describe(entry, displays), by(entry), entry.seq)
                   for entry in facts.entries if entry.kind == "incident.opened"]
    chosen += [Row(update.at, f"Update posted ({update.visibility}): {update.title}", update.author)
               for update in facts.updates]
    return sorted(chosen, key=lambda row: (row.at, row.seq or 0))


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def clock(moment: datetime, *, with_date: bool) -> str:
    return moment.strftime("%Y-%m-%d %H:%M" if with_date else "%H:%M")


def markdown_table(table: list[Row]) -> str:
    """The rows as a Markdown table; times are HH:MM UTC, with the date when the rows span days."""
    if not table:
        return "_Nothing on the timeline yet._"
    with_date = len({row.at.date() for row in table}) > 1
    lines = ["| Time (UTC) | Event | By |", "|---|---|---|"]
    lines += [f"| {clock(row.at, with_date=with_date)} | {cell(row.event)} | {cell(row.by)} |" for row in table]
    return "\n".join(lines)
