"""Review: draft every section of a post-incident review from what the timeline knows (pure).

Facts in, one Markdown text per section out (see `template.SECTIONS`). What Firebreak knows is
written out — times in UTC, durations, who was paged and who acknowledged, state changes with
their reasons, runbook steps with their results, posted updates, action items; what only people
know (root cause beyond the reason given, what went well or wrong, lessons) starts as a prompt.
"""

from __future__ import annotations

from datetime import datetime

from firebreak.review import timeline_table
from firebreak.review.durations import Durations, durations_of, spoken
from firebreak.review.facts import Entry, IncidentFacts
from firebreak.review.template import KEYS, prompt_comment


def at(moment: datetime | None) -> str:
    return "-" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


def hm(moment: datetime) -> str:
    return moment.strftime("%H:%M UTC")


def first_alert_at(facts: IncidentFacts) -> datetime | None:
    starts = [alert.starts_at or alert.first_seen for alert in facts.alerts]
    return min(starts, default=None)


def status_moves(facts: IncidentFacts, target: str) -> list[Entry]:
    return [e for e in facts.entries if e.kind == "incident.status" and e.data.get("to") == target]


def acknowledger(facts: IncidentFacts) -> str | None:
    """Who acknowledged first (a move out of triggered by a person)."""
    for entry in facts.entries:
        if entry.kind == "incident.status" and entry.data.get("from") == "triggered" \
                and entry.data.get("to") in ("acknowledged", "investigating"):
            return entry.actor
    return None


def with_prompt(key: str, *parts: str) -> str:
    body = "\n\n".join(part for part in parts if part)
    return f"{body}\n\n{prompt_comment(key)}" if body else prompt_comment(key)


def summary(facts: IncidentFacts, times: Durations) -> str:
    where = f" on {facts.service}" if facts.service else ""
    text = f"{facts.severity or 'Unrated'} incident{where}: {facts.title}."
    if times.started_at is not None:
        text += f" It started {at(times.started_at)}"
        who = acknowledger(facts)
        if times.acknowledge is not None:
            text += f", was acknowledged after {spoken(times.acknowledge)}" + (f" by {who}" if who else "")
        if times.resolve is not None:
            text += f" and was resolved after {spoken(times.resolve)}"
        text += "."
    return with_prompt("summary", text)


def severity(facts: IncidentFacts) -> str:
    lines = [f"**{facts.severity or 'unset'}**" + (f" — {facts.severity_description}"
                                                    if facts.severity_description else "")]
    for entry in facts.entries:
        if entry.kind == "incident.severity":
            why = f" ({entry.data['reason']})" if entry.data.get("reason") else ""
            lines.append(f"- {hm(entry.at)}: {entry.data.get('from') or 'unset'} → {entry.data.get('to')}"
                         f" by {entry.actor}{why}")
    return with_prompt("severity", "\n".join(lines))


def duration(times: Durations, facts: IncidentFacts) -> str:
    if times.duration is None or times.started_at is None:
        return "Not resolved yet."
    resolved = facts.milestones.get("resolved")
    assert resolved is not None
    return (f"{spoken(times.duration)} ({times.started_at.strftime('%Y-%m-%d %H:%M')} – "
            f"{resolved.strftime('%Y-%m-%d %H:%M')} UTC)")


def response(facts: IncidentFacts, times: Durations) -> str:
    ack_target = ""
    if facts.ack_deadline is not None:
        ack_target = f"within {spoken(facts.ack_deadline)}"
        if times.acknowledge is not None:
            ack_target += " — met" if times.acknowledge <= facts.ack_deadline else " — **missed**"
    lines = ["| Measure | Time | Target |", "|---|---|---|",
             f"| Time to detect | {spoken(times.detect)} | |",
             f"| Time to acknowledge | {spoken(times.acknowledge)} | {ack_target} |",
             f"| Time to mitigate | {spoken(times.mitigate)} | |",
             f"| Time to resolve | {spoken(times.resolve)} | |"]
    paged = [f"{p.get('user')} (level {e.data.get('level')}, {hm(e.at)})"
             for e in facts.entries if e.kind in ("escalation.paged", "escalation.repaged")
             for p in e.data.get("paged") or []]
    extra = []
    if paged:
        extra.append("Paged: " + ", ".join(paged) + ".")
    who = acknowledger(facts)
    if who and times.acknowledge is not None:
        extra.append(f"Acknowledged by {who} after {spoken(times.acknowledge)}.")
    return with_prompt("response", "\n".join(lines), " ".join(extra))


def timeline(facts: IncidentFacts) -> str:
    table = timeline_table.markdown_table(timeline_table.rows(facts))
    return table if facts.key_events else with_prompt("timeline", table)


def impact(facts: IncidentFacts) -> str:
    lines = []
    if facts.service:
        lines.append(f"- Service: {facts.service}" + (f" (team {facts.team})" if facts.team else ""))
    if facts.components:
        lines.append(f"- Status-page components: {', '.join(facts.components)}")
    names: dict[str, int] = {}
    for alert in facts.alerts:
        names[alert.name] = names.get(alert.name, 0) + alert.count
    if names:
        lines.append("- Alerts: " + ", ".join(f"{name} ×{count}" for name, count in names.items()))
    public = [u for u in facts.updates if u.visibility == "public"]
    if public:
        lines.append(f"- Public status updates: {len(public)}, the first at {at(public[0].at)}")
    return with_prompt("impact", "\n".join(lines))


def reasons(facts: IncidentFacts, *targets: str) -> list[str]:
    return [f"- {hm(e.at)}, {timeline_table.STATE_WORDS[str(e.data['to'])].lower()} by {e.actor}: {e.data['reason']}"
            for e in facts.entries
            if e.kind == "incident.status" and e.data.get("to") in targets and e.data.get("reason")]


def root_cause(facts: IncidentFacts) -> str:
    return with_prompt("root_cause", "\n".join(reasons(facts, "identified")))


def resolution(facts: IncidentFacts) -> str:
    lines = reasons(facts, "mitigating", "monitoring", "resolved")
    steps = [f"- Runbook {s.runbook}: `{s.display}` {s.status}" + (f" (exit {s.exit_code})" if s.exit_code is not None
                                                                   else "")
             + (" — run automatically" if s.automatic else f" — asked for by {s.requested_by}")
             for s in facts.steps if s.status not in ("awaiting_approval", "queued", "proposed")]
    return with_prompt("resolution", "\n".join(lines), ("Runbook steps run:\n" + "\n".join(steps)) if steps else "")


def observations(facts: IncidentFacts, times: Durations) -> tuple[list[str], list[str]]:
    """What the timeline shows went well and what went wrong."""
    well, wrong = [], []
    if facts.ack_deadline is not None and times.acknowledge is not None:
        if times.acknowledge <= facts.ack_deadline:
            well.append(f"- Acknowledged within the deadline ({spoken(times.acknowledge)} of "
                        f"{spoken(facts.ack_deadline)}).")
        else:
            wrong.append(f"- The acknowledgement deadline was missed ({spoken(times.acknowledge)}, target "
                         f"{spoken(facts.ack_deadline)}).")
    kinds = [e.kind for e in facts.entries]
    if "escalation.exhausted" in kinds:
        wrong.append("- The escalation was exhausted: every level was paged and nobody acknowledged.")
    unreachable = sorted({str(e.data.get("user")) for e in facts.entries if e.kind == "notification.unreachable"})
    if unreachable:
        wrong.append(f"- Nobody could reach {', '.join(unreachable)}.")
    done = [s for s in facts.steps if s.status in ("succeeded", "failed", "timed_out")]
    good = [s for s in done if s.status == "succeeded"]
    if good:
        well.append(f"- Runbook steps succeeded: {len(good)} of {len(done)}.")
    if len(good) < len(done):
        wrong.append(f"- Runbook steps failed: {len(done) - len(good)} of {len(done)}.")
    return well, wrong


def action_items(facts: IncidentFacts) -> str:
    if not facts.actions:
        return prompt_comment("action_items")
    lines = ["| # | Action | Owner | Due | Priority | Status |", "|---|---|---|---|---|---|"]
    lines += [f"| {a.id} | {timeline_table.cell(a.title)} | {a.owner or '-'} | {a.due or '-'} | {a.priority} | "
              f"{a.status} |" for a in facts.actions]
    return with_prompt("action_items", "\n".join(lines))


def draft_sections(facts: IncidentFacts) -> dict[str, str]:
    """Every section of the review, drafted from `facts`."""
    times = durations_of(facts.milestones, first_alert_at(facts))
    well, wrong = observations(facts, times)
    drafted = {
        "summary": summary(facts, times),
        "severity": severity(facts),
        "duration": duration(times, facts),
        "response": response(facts, times),
        "timeline": timeline(facts),
        "impact": impact(facts),
        "root_cause": root_cause(facts),
        "resolution": resolution(facts),
        "went_well": with_prompt("went_well", "\n".join(well)),
        "went_wrong": with_prompt("went_wrong", "\n".join(wrong)),
        "action_items": action_items(facts),
        "lessons": prompt_comment("lessons"),
    }
    return {key: drafted[key] for key in KEYS}
