"""Importing the five seeds: every scenario with its title and command count, process documents kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from firebreak.kernel.errors import InvalidInput
from firebreak.runbook.intake.importer import Source, import_document, import_paths, import_sources
from tests.runbook.corpus import SEEDS, by_title, seed, seed_runbooks

# (title, number of commands) of each scenario, in document order.
SCENARIOS = {
    "000": [("Mempool Transaction Spike", 5), ("Database Connection Pool Exhaustion", 5),
            ("JWT Token Compromise", 4), ("High CPU Utilization", 4), ("Disk Space Critical", 4),
            ("Service Discovery Issues", 4), ("Slow Database Queries", 2), ("Memory Leaks", 3)],
    "001": [("High CPU Usage", 4), ("Out of Memory", 4), ("Database Connection Errors", 4),
            ("Disk Space Issues", 5), ("Certificate Expiry", 4)],
    "002": [("Application Won't Start", 6), ("Database Connection Issues", 6), ("High Memory/CPU Usage", 5),
            ("Elevated Error Rate", 2), ("CloudFront/S3 Issues", 7)],
    "003": [("Database Connection Pool Exhausted", 5), ("High Error Rate (>5% 5xx errors)", 7),
            ("High Response Time (P95 > 1 second)", 0), ("Payment Processing Failure", 2),
            ("SSL Certificate Expiring", 1), ("Security: Potential Breach", 0), ("Complete System Outage", 6)],
    "004": [("Complete Service Outage", 17), ("Major Performance Degradation", 12),
            ("Database Connection Exhaustion", 3), ("Database Performance Issues", 3), ("Redis Memory Exhaustion", 3),
            ("Redis Connection Issues", 2), ("CSS/JS Loading Issues", 5), ("Suspicious Activity Detection", 4),
            ("Data Breach Response", 2)],
}
PROCESSES = {
    "000": ["Emergency Contact Information", "General Incident Response Process", "Monitoring and Alerting",
            "Debugging Tools and Commands", "Post-Incident Actions", "Escalation Procedures", "Related Resources"],
    "001": ["Severity Levels", "Incident Response Process", "Emergency Contacts", "Escalation Path", "Tools & Links"],
    "002": ["Overview", "Incident Severity Levels", "Incident Response Team", "Response Process",
            "Communication Guidelines", "Post-Incident Review", "Contact Information", "Appendix"],
    "003": ["Performance Troubleshooting", "Escalation Path", "Key Contacts", "Post-Incident Checklist"],
    "004": ["Overview", "Incident Severity Levels", "Immediate Response (First 5 Minutes)", "Communication Protocols",
            "Incident Analysis", "Prevention Measures", "Emergency Contacts", "Documentation Links"],
}


@pytest.mark.parametrize("number", sorted(SCENARIOS))
def test_each_seed_yields_its_scenarios_with_titles_and_command_counts(number: str) -> None:
    scenarios = [(r.title, len(r.commands)) for r in seed(number) if r.kind == "scenario"]
    assert scenarios == SCENARIOS[number]


@pytest.mark.parametrize("number", sorted(PROCESSES))
def test_process_documents_are_kept_apart_from_scenarios(number: str) -> None:
    assert [r.title for r in seed(number) if r.kind == "process"] == PROCESSES[number]


def test_titles_are_free_of_mojibake_and_emoji() -> None:
    for runbook in seed_runbooks():
        assert runbook.title.isprintable()
        assert not any(ch in runbook.title for ch in "ðŸÃâ€™🚨🔥📊📞🔧🛠📋🔍📝🔗")
        assert runbook.title == runbook.title.strip()


def test_scenarios_keep_source_line_and_severity_from_their_group() -> None:
    assert by_title("000", "Mempool Transaction Spike").line == 25
    assert by_title("000", "Mempool Transaction Spike").severity_hint == "high"
    assert by_title("000", "Memory Leaks").severity_hint == "low"
    assert by_title("004", "Complete Service Outage").severity_hint == "SEV-0"
    assert by_title("004", "Major Performance Degradation").severity_hint == "SEV-1"
    assert by_title("003", "Payment Processing Failure").severity_hint == "critical"
    assert by_title("003", "SSL Certificate Expiring").line == 170
    assert by_title("002", "Application Won't Start").line == 360


def test_phases_follow_the_labels_each_seed_uses() -> None:
    phases = [(p.name, p.kind) for p in by_title("003", "Database Connection Pool Exhausted").phases]
    assert phases == [("Detection", "detection"), ("Immediate Actions (0-5 min)", "immediate"),
                      ("Root Cause Analysis (5-15 min)", "root-cause"), ("Remediation", "mitigation"),
                      ("Prevention", "prevention")]
    kinds = [p.kind for p in by_title("000", "JWT Token Compromise").phases]
    assert kinds == ["symptoms", "immediate", "investigation", "mitigation", "prevention"]
    outage = [p.kind for p in by_title("003", "Complete System Outage").phases]
    assert outage[:2] == ["investigation", "mitigation"]
    steps = [p.name for p in by_title("004", "Complete Service Outage").phases]
    assert steps == ["Step 1: Immediate Actions", "Step 2: Service Recovery", "Step 3: Database Recovery",
                     "Step 4: Cache Recovery"]


def test_alert_names_come_from_detection_lines() -> None:
    assert by_title("003", "Database Connection Pool Exhausted").alert_names == ["DatabaseConnectionPoolExhausted"]
    assert by_title("003", "High Error Rate (>5% 5xx errors)").alert_names == ["HighErrorRate"]
    assert by_title("003", "SSL Certificate Expiring").alert_names == ["CertificateExpiringInDays"]
    assert by_title("000", "Mempool Transaction Spike").alert_names == []


def test_symptoms_checklists_links_and_review_dates() -> None:
    mempool = by_title("000", "Mempool Transaction Spike")
    assert mempool.symptoms == ["High memory usage (>80%)", "Increased latency (P95 > 5s)", "Queue backlog growing",
                                "WebSocket connection drops"]
    assert by_title("002", "Application Won't Start").symptoms == ["Pods in CrashLoopBackOff"]
    assert by_title("003", "Database Connection Pool Exhausted").symptoms == [
        '"too many connections" errors, slow requests']
    checklist = by_title("003", "High Response Time (P95 > 1 second)").checklists
    assert [c.text for c in checklist][:2] == ["Check current load (requests/sec)",
                                               "Check database query times (slow queries)"]
    assert all(not c.checked for c in checklist) and len(checklist) == 6
    links = by_title("000", "Related Resources").links
    assert ("Grafana Dashboards", "https://grafana.scorpius.com", 449) in [(x.text, x.url, x.line) for x in links]
    assert str(mempool.last_updated) == "2024-12-01" and str(mempool.next_review) == "2025-03-31"
    assert by_title("001", "High CPU Usage").next_review is None


def test_commands_keep_their_file_line_and_heredoc_whole() -> None:
    jwt = by_title("000", "JWT Token Compromise")
    heredoc = jwt.commands[3]
    assert heredoc.line == 128
    assert heredoc.text.startswith("kubectl apply -f - <<EOF\napiVersion: networking.k8s.io/v1")
    assert heredoc.text.endswith("- SUSPICIOUS_IP/32\nEOF")
    status = by_title("002", "CloudFront/S3 Issues").commands[3]
    assert status.text == ('aws cloudfront create-invalidation \\\n  --distribution-id <DISTRIBUTION_ID> \\\n'
                           '  --paths "/*"')


def test_slugs_are_unique_stable_and_name_the_file() -> None:
    slugs = [r.slug for r in seed_runbooks()]
    assert len(slugs) == len(set(slugs))
    assert "003-e553a3c957542cac/database-connection-pool-exhausted" in slugs
    assert "003-e553a3c957542cac/high-error-rate" in slugs
    assert [r.slug for r in import_paths([SEEDS])] == slugs


def test_a_collection_gets_urls_with_heading_anchors(tmp_path: Path) -> None:
    runbooks = import_paths([SEEDS / "003_e553a3c957542cac.txt"], base_url="https://wiki.example.com/runbooks/")
    first = runbooks[0]
    assert first.collection == "https://wiki.example.com/runbooks"
    assert first.url == ("https://wiki.example.com/runbooks/003_e553a3c957542cac.txt"
                         "#-database-connection-pool-exhausted")


def test_windows_1252_files_and_crlf_line_endings_import(tmp_path: Path) -> None:
    path = tmp_path / "legacy.md"
    path.write_bytes("# Caf\xe9 outage\r\n\r\n## Symptoms\r\n- it\x92s slow\r\n".encode("latin-1"))
    [runbook] = import_paths([path])
    assert runbook.title == "Café outage"
    assert runbook.symptoms == ["it’s slow"]
    assert runbook.phases[0].line == 3


def test_front_matter_keeps_line_numbers() -> None:
    text = "---\ntitle: Disk Full\nnext_review: 2020-01-31\n---\n\n# DiskFull\n\n## Mitigation\n\n```bash\ndf -h\n```\n"
    [runbook] = import_document(Source("disk/DiskFull.md", "disk/DiskFull.md", text))
    assert runbook.title == "DiskFull" and runbook.line == 6
    assert runbook.alert_names == ["DiskFull"]
    assert runbook.commands[0].line == 11
    assert str(runbook.next_review) == "2020-01-31"


def test_missing_paths_and_clashing_slugs_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no such file or folder"):
        import_paths([tmp_path / "nowhere"])
    documents = [Source("a/x.md", "a/x.md", "# X\n"), Source("b/a/x.md", "a/x.md", "# X\n")]
    with pytest.raises(InvalidInput, match="slug 'a/x'"):
        import_sources(documents)


def test_empty_and_heading_only_files_do_not_fail(tmp_path: Path) -> None:
    (tmp_path / "empty.md").write_text("")
    (tmp_path / "notes.md").write_text("Some notes without headings.\n\n```bash\nkubectl get pods\n```\n")
    runbooks = {r.slug: r for r in import_paths([tmp_path])}
    assert runbooks["notes"].title == "notes"
    assert [c.text for c in runbooks["notes"].commands] == ["kubectl get pods"]
