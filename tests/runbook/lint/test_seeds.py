"""Lint on the seeds reports their real defects, and nothing on their read-only diagnostics but what is due."""

from __future__ import annotations

from datetime import date

from firebreak.runbook.lint.engine import has_errors, lint_runbooks
from tests.runbook.corpus import seed_runbooks

TODAY = date(2026, 11, 22)
# Every finding on the seeds, reviewed against the text: (line, rule) per seed file.
EXPECTED = {
    "000": [
        (43, "interactive-unattended"), (55, "mitigation-unverified"), (77, "interactive-unattended"),
        (80, "destructive-unguarded"), (80, "interactive-unattended"), (96, "mitigation-unverified"),
        (122, "destructive-unguarded"), (122, "interactive-unattended"), (128, "placeholder-no-source"),
        (154, "mitigation-unverified"), (183, "placeholder-no-source"), (186, "interactive-unattended"),
        (189, "placeholder-no-source"), (192, "mitigation-unverified"), (213, "interactive-unattended"),
        (213, "wrong-command"), (216, "interactive-unattended"), (216, "wrong-command"),
        (219, "mitigation-unverified"), (240, "interactive-unattended"), (249, "mitigation-unverified"),
        (264, "obsolete-command"), (275, "mitigation-unverified"), (293, "interactive-unattended"),
        (293, "placeholder-no-source"), (296, "mitigation-unverified"), (381, "placeholder-no-source"),
        (458, "review-overdue"),
    ],
    "001": [
        (35, "placeholder-no-source"), (86, "placeholder-no-source"), (275, "interactive-unattended"),
        (281, "mitigation-unverified"), (281, "placeholder-no-source"), (297, "mitigation-unverified"),
        (297, "placeholder-no-source"), (308, "destructive-unguarded"), (308, "mitigation-unverified"),
        (327, "destructive-unguarded"), (327, "mitigation-unverified"), (330, "destructive-unguarded"),
        (344, "placeholder-no-source"), (347, "destructive-unguarded"), (351, "interactive-unattended"),
        (377, "placeholder-no-source"),
    ],
    "002": [
        (143, "placeholder-no-source"), (149, "placeholder-no-source"), (219, "destructive-unguarded"),
        (244, "destructive-unguarded"), (244, "wrong-command"), (382, "mitigation-unverified"),
        (391, "placeholder-no-source"), (413, "mitigation-unverified"), (425, "destructive-unguarded"),
        (442, "mitigation-unverified"), (470, "mitigation-unverified"), (483, "placeholder-no-source"),
        (486, "placeholder-no-source"), (492, "mitigation-unverified"), (502, "destructive-unguarded"),
        (623, "non-portable-flag"), (626, "non-portable-flag"), (629, "non-portable-flag"),
    ],
    "003": [
        (17, "wrong-command"), (25, "mitigation-unverified"), (31, "wrong-command"), (35, "wrong-command"),
        (36, "wrong-command"), (36, "wrong-command"), (56, "interactive-unattended"), (74, "wrong-command"),
        (82, "mitigation-unverified"), (140, "interactive-unattended"), (155, "placeholder-no-source"),
        (279, "wrong-command"),
    ],
    "004": [
        (89, "mitigation-unverified"), (149, "interactive-unattended"), (161, "non-portable-flag"),
        (171, "mitigation-unverified"), (187, "interactive-unattended"), (190, "destructive-unguarded"),
        (190, "mitigation-unverified"), (190, "obsolete-command"), (199, "interactive-unattended"),
        (199, "obsolete-command"), (199, "obsolete-command"), (202, "interactive-unattended"),
        (205, "mitigation-unverified"), (213, "placeholder-no-source"), (219, "mitigation-unverified"),
        (228, "mitigation-unverified"), (228, "unknown-subcommand"), (261, "mitigation-unverified"),
        (279, "interactive-unattended"), (282, "mitigation-unverified"), (311, "wrong-command"),
    ],
}


def findings_by_seed() -> dict[str, list[tuple[int, str]]]:
    out: dict[str, list[tuple[int, str]]] = {}
    for item in lint_runbooks(seed_runbooks(), today=TODAY):
        out.setdefault(item.file.rsplit("/", 1)[-1][:3], []).append((item.line, item.rule))
    return out


def test_the_seeds_real_defects_are_reported() -> None:
    assert findings_by_seed() == EXPECTED


def test_findings_name_the_defect_and_a_fix() -> None:
    findings = lint_runbooks(seed_runbooks(), today=TODAY)
    assert has_errors(findings)
    text = {(f.file.rsplit("/", 1)[-1][:3], f.line, f.rule): f for f in findings}
    assert "mean_time" in text[("000", 264, "obsolete-command")].message
    assert text[("000", 264, "obsolete-command")].hint == "use mean_exec_time"
    assert "pg_ctl_reload" in next(f.message for f in findings if f.line == 36 and "no function" in f.message)
    assert "'<IDLE>'" in text[("004", 190, "obsolete-command")].message
    assert "date -v" in text[("004", 161, "non-portable-flag")].message
    assert "elasticcache" in text[("004", 228, "unknown-subcommand")].message
    assert "aws elasticache modify-replication-group-shard-configuration" in text[
        ("004", 228, "unknown-subcommand")].hint
    assert "FLUSHDB" in text[("000", 122, "destructive-unguarded")].message
    assert "$(" in text[("004", 311, "wrong-command")].message
    assert text[("000", 458, "review-overdue")].message.startswith("the review was due by 2025-03-31")
    assert all(f.hint and f.severity in ("error", "warning") for f in findings)


def test_no_alarm_on_read_only_diagnostics_beyond_the_listed_defects() -> None:
    read_only = {(r.source_path.rsplit("/", 1)[-1][:3], c.line) for r in seed_runbooks() for c in r.commands
                 if c.cls == "read-only"}
    findings = lint_runbooks(seed_runbooks(), today=TODAY)
    on_read_only = {(f.file.rsplit("/", 1)[-1][:3], f.line, f.rule) for f in findings
                    if (f.file.rsplit("/", 1)[-1][:3], f.line) in read_only}
    assert {rule for _, _, rule in on_read_only} <= {"obsolete-command", "wrong-command", "placeholder-no-source",
                                                     "non-portable-flag"}
    assert not any(f.rule in ("destructive-unguarded", "interactive-unattended") for f in findings
                   if (f.file.rsplit("/", 1)[-1][:3], f.line) in read_only)


def test_guarded_destructive_seed_commands_are_not_reported() -> None:
    lines = {(f.file.rsplit("/", 1)[-1][:3], f.line) for f in lint_runbooks(seed_runbooks(), today=TODAY)
             if f.rule == "destructive-unguarded"}
    assert ("003", 31) not in lines  # "Kill idle connections (careful!)"
    assert ("004", 219) not in lines  # "Emergency cache flush (last resort)"
    assert ("004", 113) not in lines  # "If failover needed"
    assert ("002", 241) not in lines  # "Flush Redis cache if stale data is causing issues"


def test_the_review_rule_depends_on_the_day() -> None:
    before = lint_runbooks(seed_runbooks(), today=date(2025, 3, 31))
    assert not [f for f in before if f.rule == "review-overdue"]
