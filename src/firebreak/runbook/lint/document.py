"""Document-level lint rules: review dates and mitigations nobody verifies."""

from __future__ import annotations

from collections.abc import Iterator

from firebreak.runbook.commands.classify import assess_command
from firebreak.runbook.lint.findings import Finding, LintContext, finding
from firebreak.runbook.lint.rules import VERIFY
from firebreak.runbook.model import Runbook


def review_overdue(runbook: Runbook, ctx: LintContext) -> Iterator[Finding]:
    if runbook.next_review is None or runbook.next_review >= ctx.today:
        return
    days = (ctx.today - runbook.next_review).days
    yield finding("review-overdue", runbook.source_path, runbook.review_line or runbook.line,
                  f"the review was due by {runbook.next_review.isoformat()} ({days} days ago)",
                  "review the runbook against the current system and set a new review date", slug=runbook.slug)


def mitigation_unverified(runbook: Runbook, ctx: LintContext) -> Iterator[Finding]:
    """A scenario that changes things (or tells people to) but never checks the fix worked."""
    if runbook.kind != "scenario" or not runbook.commands:
        return
    fix_lines: list[int] = []
    for phase in runbook.phases:
        if phase.kind == "mitigation":
            fix_lines.append(phase.line)
            fix_lines.extend(step.line for step in phase.steps if not VERIFY.search(step.text))
    changes = [c for c in runbook.commands if assess_command(c.text, c.language).effect != "read-only"]
    fix_lines.extend(c.line for c in changes)
    if not fix_lines:
        return
    first_fix, last_fix = min(fix_lines), max(fix_lines)
    if any(phase.kind == "verification" and phase.line > first_fix for phase in runbook.phases):
        return
    for command in runbook.commands:
        if command.line > last_fix and (assess_command(command.text, command.language).effect == "read-only"
                                         or VERIFY.search(command.comment)):
            return
    for phase in runbook.phases:
        for step in phase.steps:
            if step.line > last_fix and VERIFY.search(step.text):
                return
    anchor = next((p.line for p in runbook.phases if p.kind == "mitigation"), first_fix)
    yield finding("mitigation-unverified", runbook.source_path, anchor,
                  "the mitigation is never verified: no step after it checks that the fix worked",
                  "add a read-only check after the fix (the alert's query, a health endpoint, "
                  "kubectl rollout status …)", slug=runbook.slug)
