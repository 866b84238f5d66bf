"""Running lint: every rule over every runbook, findings sorted by file and line, duplicates folded."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date

from firebreak.runbook.lint import document, rules
from firebreak.runbook.lint.findings import Finding, LintContext
from firebreak.runbook.model import Runbook

Rule = Callable[[Runbook, LintContext], Iterator[Finding]]
ALL_RULES: tuple[Rule, ...] = (
    rules.destructive_unguarded, rules.interactive_unattended, rules.placeholder_no_source,
    rules.placeholder_in_program, rules.command_checks,
    rules.secret_in_command, document.review_overdue, document.mitigation_unverified,
)


def lint_runbooks(runbooks: Iterable[Runbook], *, today: date, known_vars: Iterable[str] = ()) -> list[Finding]:
    """Findings for the runbooks, one per (file, line, rule, message)."""
    ctx = LintContext(today=today, known_vars=frozenset(known_vars))
    seen: set[tuple[str, int, str, str]] = set()
    out: list[Finding] = []
    for runbook in runbooks:
        for rule in ALL_RULES:
            for item in rule(runbook, ctx):
                key = (item.file, item.line, item.rule, item.message)
                if key not in seen:
                    seen.add(key)
                    out.append(item)
    return sorted(out, key=lambda f: (f.file, f.line, f.rule, f.message))


def has_errors(findings: Sequence[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)
