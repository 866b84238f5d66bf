"""Lint findings and the rule catalogue (id, severity, what it checks)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Literal

Severity = Literal["error", "warning"]

RULES: dict[str, tuple[Severity, str]] = {
    "destructive-unguarded": ("error", "a destructive command with no guard, condition or confirmation"),
    "interactive-unattended": ("warning", "a command that needs a terminal in a step meant to run unattended"),
    "placeholder-no-source": ("warning", "a placeholder nothing fills: not an alert label, not set, not explained"),
    "placeholder-in-program": ("error", "a placeholder inside program text (perl -e, a sed command, eval …): the step "
                                        "is blocked"),
    "obsolete-command": ("error", "a command, function or column removed or renamed in current tool versions"),
    "wrong-command": ("error", "a command that cannot do what the runbook says"),
    "unknown-subcommand": ("error", "a sub-command or service the tool does not have"),
    "non-portable-flag": ("warning", "a flag that exists only in the BSD or only in the GNU version of a tool"),
    "secret-in-command": ("error", "a password, token or key pasted into a command"),
    "review-overdue": ("warning", "the runbook is past its review date"),
    "mitigation-unverified": ("warning", "a mitigation with no step that checks it worked"),
}


@dataclass(frozen=True)
class Finding:
    """One defect at a file and line."""

    file: str
    line: int
    rule: str
    severity: Severity
    message: str
    hint: str
    slug: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("slug")
        return data


@dataclass(frozen=True)
class LintContext:
    """What rules may know besides the runbook: today and variables the configuration provides."""

    today: date
    known_vars: frozenset[str] = frozenset()


def finding(rule: str, file: str, line: int, message: str, hint: str, *, slug: str = "",
            severity: Severity | None = None) -> Finding:
    return Finding(file=file, line=line, rule=rule, severity=severity or RULES[rule][0], message=message,
                   hint=hint, slug=slug)
