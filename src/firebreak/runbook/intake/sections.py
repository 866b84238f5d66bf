"""The words teams use for runbook sections and documents, mapped to what they mean.

Phase kinds: symptoms, detection, meaning, impact, immediate, investigation, root-cause,
mitigation, verification, prevention, post-incident, checklist, escalation, communication, other.
"""

from __future__ import annotations

import re

from firebreak.runbook.intake.text import clean_title

PHASE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple((kind, re.compile(pattern, re.I)) for kind, pattern in (
    ("post-incident", r"^(post[- ]?incident|post[- ]?mortem|after the incident|lessons|action items)"),
    ("verification", r"^(verif|validat|confirm|post[- ]?(operation )?checks?|smoke test|check (that|the fix)"
                     r"|monitor (for )?stability|wait for recovery)"),
    ("checklist", r"checklist$|^checklist"),
    ("symptoms", r"^(symptoms?|signs|what you see|how it looks)\b"),
    ("detection", r"^(detection|detect|alerts?|early warning|monitoring channels|identifying)\b"),
    ("meaning", r"^(meaning|description|what is|about|background|overview|summary|context)\b"),
    ("impact", r"^(impact|business impact|critical data|risk)\b|impact!?$"),
    ("immediate", r"^(immediate|first (steps|response|actions)|triage|acknowledge|initial|emergency|"
                  r"quick checks?|first \d+ minutes)"),
    ("root-cause", r"^(root cause|common causes|causes|why)\b"),
    ("investigation", r"^(investigat|diagnos|identify|troubleshoot|check\b|quick health|health checks?|"
                      r"data collection|gather|is it |finding|how to (see|find|check)|review|inspect|debug)"),
    ("mitigation", r"^(remediation|mitigat|resolution|resolve|quick (fixes|wins)|fix\b|solution|workaround|"
                   r"recover|rollback|roll back|restart|scale|option\b|scenario [a-z]\b|what to do|"
                   r"how to (cancel|fix|resolve|recover)|disaster recovery|failover|restore|rotate|clear|"
                   r"increase|.*\brecovery\b|auto-?scale)"),
    ("prevention", r"^(prevent|long[- ]term|follow[- ]?up|hardening)"),
    ("escalation", r"^(escalat|contacts?|notify|who to call|on[- ]call)"),
    ("communication", r"^(communicat|status (page|update)|update status|internal comm|external comm)"),
))
# Phases whose commands Firebreak runs without a person at a terminal.
UNATTENDED = frozenset({"symptoms", "detection", "immediate", "investigation", "verification"})
SCENARIO_SIGNS = frozenset({"symptoms", "detection", "meaning", "impact", "immediate", "investigation",
                            "root-cause", "mitigation", "verification", "prevention", "checklist"})

PROCESS_TITLE = re.compile(
    r"\b(severity (levels?|definitions?|matrix)|escalation|contacts?|contact information|communication|"
    r"post[- ]incident|post[- ]mortem|review|templates?|overview|goals|roles|responsibilit\w*|team|"
    r"table of contents|contents|tools|links|resources|appendix|references?|glossary|on[- ]call|process|"
    r"monitoring and alerting|key metrics|alert thresholds|analysis|prevention measures|documentation|"
    r"immediate response|lessons|guidelines|protocols?|policy|policies|introduction|about this)\b",
    re.I)
GROUP_TITLE = re.compile(r"\b(incidents|issues|scenarios|problems|failures|outages|alerts|runbooks|playbooks|"
                         r"procedures|emergencies|errors)\b|\bcommon issues\b", re.I)
SEVERITY_IN_TITLE = re.compile(r"\b(?:(SEV)[- ]?([0-5])|(P)([0-4]))\b|\b(critical|high|medium|low)[- ]severity\b", re.I)
SEVERITY_LABEL = re.compile(r"^(critical|sev[- ]?[0-5]|p[0-4])\b", re.I)
SIRENS = frozenset("🚨🔥🆘🚒⛑")


def phase_kind(label: str) -> str:
    """The kind of a section label (`Immediate Actions (0-5 min)` → `immediate`)."""
    text = clean_title(re.sub(r"\s*\([^)]*\)\s*", " ", label)).strip()
    text = re.sub(r"^step\s+\d+\s*[:.\-–]\s*", "", text, flags=re.I)
    for kind, pattern in PHASE_RULES:
        if pattern.search(text):
            return kind
    return "other"


def is_process_title(title: str) -> bool:
    return bool(PROCESS_TITLE.search(title))


def is_group_title(title: str) -> bool:
    return bool(GROUP_TITLE.search(title))


def severity_from_title(title: str) -> str | None:
    """`SEV-0 Response Procedures` → `SEV-0`; `High-Severity Incidents` → `high`."""
    match = SEVERITY_IN_TITLE.search(title)
    if not match:
        return None
    if match.group(1):
        return f"SEV-{match.group(2)}"
    if match.group(3):
        return f"P{match.group(4)}"
    return match.group(5).lower()


def severity_from_label(label: str) -> str | None:
    """A section inside a scenario that states its severity (`Critical - Revenue Impact!`)."""
    match = SEVERITY_LABEL.match(label.strip())
    if not match:
        return None
    word = match.group(1)
    return word.lower() if word.isalpha() else word.upper().replace(" ", "-")
