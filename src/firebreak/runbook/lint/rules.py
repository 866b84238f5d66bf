"""The lint rules: each reads one runbook and yields findings that name the line and a fix."""

from __future__ import annotations

import re
from collections.abc import Iterator

from firebreak.runbook.commands.classify import assess_command
from firebreak.runbook.commands.placeholders import placeholder_name
from firebreak.runbook.execute.fill import placement_problems
from firebreak.runbook.intake.sections import UNATTENDED
from firebreak.runbook.intake.units import SHELL_INFOS
from firebreak.runbook.lint.clicheck import check_invocation
from firebreak.runbook.lint.findings import Finding, LintContext, finding
from firebreak.runbook.lint.invocations import invocations, sql_texts
from firebreak.runbook.lint.sqlcheck import SqlIssue, check_sql
from firebreak.runbook.model import Command, Runbook

GUARD = re.compile(r"\b(if|only|unless|once|last resort|careful|caution|warning|danger|confirm\w*|make sure|ensure|"
                   r"double[- ]check|verify (first|that|before)|irreversible|back ?up first|approv\w*|dry[- ]run)\b",
                   re.I)
IN_COMMAND_GUARD = re.compile(r"(^|\s)(if\s|\[\[?\s|test\s)|read\s+-[a-z]*p|--interactive|(^|\s)rm\s+-[a-z]*i")
VERIFY = re.compile(r"\b(verif\w*|validat\w*|confirm\w*|check that|ensure that|make sure|smoke[- ]test\w*|"
                    r"post[- ]checks?|health ?checks?)\b", re.I)
LABELS = frozenset({"namespace", "pod", "container", "node", "instance", "job", "service", "deployment",
                    "statefulset", "daemonset", "persistentvolumeclaim", "pvc", "mountpoint", "device", "cluster",
                    "alertname", "severity", "endpoint", "replicaset", "horizontalpodautoscaler", "cronjob",
                    "incidentid", "incident", "team"})
EXPLAINED = re.compile(r"\b(replace|replacing|substitute|fill in|from the alert|label from|set to|the value of)\b",
                       re.I)
SECRET_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"AKIA[0-9A-Z]{16}"), "an AWS access key id"),
    (re.compile(r"aws_secret_access_key\s*[=:]\s*[A-Za-z0-9/+]{30,}"), "an AWS secret key"),
    (re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}"), "a GitHub token"),
    (re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"), "a Slack token"),
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), "a private key"),
    (re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"), "a JSON web token"),
    (re.compile(r"Authorization:\s*(Bearer|Basic|Token)\s+(?![$<{])[A-Za-z0-9._~+/=-]{12,}", re.I),
     "a literal Authorization header"),
    (re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@$<{]+:(?![$<{])[^@\s/$<{]{3,}@", re.I), "a password in a URL"),
    (re.compile(r"\b(PGPASSWORD|MYSQL_PWD|REDISCLI_AUTH|[A-Z_]*PASSWORD|[A-Z_]*SECRET|[A-Z_]*TOKEN)="
                r"(?![\"']?[$<`{])[\"']?[^\s\"'$]{6,}"), "a secret assigned inline"),
    (re.compile(r"(^|\s)(--password|--token|--secret|--api-key|--access-key)[= ](?![\"']?[$<{])[\"']?[^\s\"']{6,}"),
     "a secret passed as a flag"),
    (re.compile(r"\bredis-cli\b[^|;&]*\s-a\s+(?![\"']?[$<{])[\"']?[^\s\"'$<]{4,}"), "a Redis password (-a)"),
)
SQL_IN_SHELL = SqlIssue("wrong-command", "SQL in a shell block: a shell would try to run it as a command",
                        "put it in a ```sql block or run it through psql -c \"…\"")
PLACEHOLDER_WORDS = frozenset({"password", "secret", "token", "changeme", "xxx", "xxxx", "redacted", "example"})


def phase_kind_at(runbook: Runbook, line: int) -> str:
    """The kind of the phase a line falls in."""
    kind = "overview"
    for phase in runbook.phases:
        if phase.line <= line:
            kind = phase.kind
    return kind


def _short(command: Command) -> str:
    first = command.text.strip().splitlines()[0]
    return first if len(first) <= 70 else first[:67] + "…"


def destructive_unguarded(runbook: Runbook, ctx: LintContext) -> Iterator[Finding]:
    for command in runbook.commands:
        if command.cls != "destructive":
            continue
        context = f"{command.comment} {command.phase or ''}"
        if GUARD.search(context) or IN_COMMAND_GUARD.search(command.text):
            continue
        verdict = assess_command(command.text, command.language)
        yield finding("destructive-unguarded", runbook.source_path, command.line,
                      f"`{_short(command)}` is destructive ({verdict.reason}) and nothing guards it",
                      "state when to run it (a condition or a check that must pass first) and what it destroys; "
                      "Firebreak will also ask a second responder to approve it", slug=runbook.slug)


TERMINAL_HINTS = (
    ("-t allocates", "drop -t/-it: the command runs the same without a terminal"),
    ("follows", "drop -f/--follow (use --since or --tail) so the command ends"),
    ("watch repeats", "run the check once; Firebreak repeats checks itself"),
    ("full-screen", "use a one-shot form (top -b -n 1, ps aux --sort=-%cpu)"),
    ("redis-cli without a command", "give the Redis command as arguments (redis-cli -h HOST INFO)"),
    ("without -c", "pass the query with -c \"…\""),
    ("browser", "link the page instead of opening it"),
    ("remote shell", "give the command to run remotely (ssh HOST COMMAND)"),
)


def interactive_unattended(runbook: Runbook, ctx: LintContext) -> Iterator[Finding]:
    if runbook.kind != "scenario":
        return
    for command in runbook.commands:
        verdict = assess_command(command.text, command.language)
        if not verdict.interactive or command.language == "plain":
            continue
        kind = phase_kind_at(runbook, command.line)
        if kind not in UNATTENDED and not (verdict.effect == "read-only" and kind in ("overview", "other")):
            continue
        hint = next((h for key, h in TERMINAL_HINTS if key in verdict.interactive),
                    "make it non-interactive or move it to a manual step")
        where = f"the {command.phase} step" if command.phase else "a diagnostic step"
        yield finding("interactive-unattended", runbook.source_path, command.line,
                      f"`{_short(command)}`: {verdict.interactive}, in {where} that Firebreak runs unattended",
                      hint, slug=runbook.slug)


def _sourced(raw: str, runbook: Runbook, command: Command, ctx: LintContext) -> bool:
    name = placeholder_name(raw)
    key = re.sub(r"[^a-z0-9]", "", name.lower())
    if raw == "...":
        return False
    if key in LABELS or key.removesuffix("name") in LABELS or re.search(r"\b(label|alert)\b", name, re.I):
        return True
    if name in ctx.known_vars or key in {re.sub(r"[^a-z0-9]", "", v.lower()) for v in ctx.known_vars}:
        return True
    for other in runbook.commands:
        if other.line > command.line:
            break
        if re.search(rf"(^|[\s;(]){re.escape(name)}=", other.text) or re.search(
                rf"\b(for|read)\s+(-\w+\s+)*{re.escape(name)}\b", other.text):
            return True
    texts = [step.text for phase in runbook.phases for step in phase.steps] + [c.comment for c in runbook.commands]
    return any(name in text and EXPLAINED.search(text) for text in texts)


def placeholder_no_source(runbook: Runbook, ctx: LintContext) -> Iterator[Finding]:
    seen: set[str] = set()
    for command in runbook.commands:
        for raw in command.placeholders:
            if raw in seen:
                continue
            seen.add(raw)
            if _sourced(raw, runbook, command, ctx):
                continue
            what = "an elided value (…)" if raw == "..." else f"placeholder {raw}"
            yield finding("placeholder-no-source", runbook.source_path, command.line,
                          f"{what} has no source: it is not an alert label, not set earlier and not explained",
                          "name it after an alert label ($NAMESPACE, $POD), set it in an earlier step, or map it "
                          "in the service's runbook_vars", slug=runbook.slug)


def placeholder_in_program(runbook: Runbook, ctx: LintContext) -> Iterator[Finding]:
    """Placeholders Firebreak will refuse to fill: program text of a second interpreter, eval, backticks …"""
    for command in runbook.commands:
        if command.language != "bash" or not command.placeholders:
            continue
        for raw, why in placement_problems(command.text, list(command.placeholders)):
            yield finding("placeholder-in-program", runbook.source_path, command.line,
                          f"`{_short(command)}`: {raw} is {why}; Firebreak blocks this step",
                          "pass the value as data: an argument the program reads ($1, sys.argv, awk -v, "
                          "jq --arg), a grep or sed pattern, or a ```sql block", slug=runbook.slug)


def command_checks(runbook: Runbook, ctx: LintContext) -> Iterator[Finding]:
    """Obsolete and wrong commands, unknown sub-commands and non-portable flags."""
    for command in runbook.commands:
        issues = []
        for text in sql_texts(command):
            issues.extend(check_sql(text))
        if command.language == "bash":
            for item in invocations(command.text):
                issues.extend(check_invocation(item))
        if command.language == "sql" and command.fence.split()[:1] and command.fence.split()[0].lower() in SHELL_INFOS \
                and not re.search(r"\b(psql|sql|postgres)\b", command.comment, re.I):
            issues.append(SQL_IN_SHELL)
        seen: set[str] = set()
        for issue in issues:
            if issue.message in seen:
                continue
            seen.add(issue.message)
            yield finding(issue.rule, runbook.source_path, command.line, f"`{_short(command)}`: {issue.message}",
                          issue.hint, slug=runbook.slug)


def secret_in_command(runbook: Runbook, ctx: LintContext) -> Iterator[Finding]:
    for command in runbook.commands:
        for pattern, what in SECRET_PATTERNS:
            match = pattern.search(command.text)
            if match is None:
                continue
            secret = (match.group(0).lower().split("=")[-1].split() or [""])[-1]
            if any(word in secret for word in PLACEHOLDER_WORDS):
                continue
            yield finding("secret-in-command", runbook.source_path, command.line,
                          f"`{_short(command)}` contains {what}",
                          "remove it, rotate it, and read it from the environment ($VAR) or a secret store",
                          slug=runbook.slug)
            break
