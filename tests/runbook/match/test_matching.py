"""Matching: twenty realistic alerts find the right seed runbook (or none), URLs resolve collections."""

from __future__ import annotations

import pytest

from firebreak.runbook.intake.importer import import_paths
from firebreak.runbook.match.rank import ATTACH_THRESHOLD, best_match, normalise_url, rank
from tests.runbook.corpus import SEEDS, collections, seed_runbooks

S000, S001, S002, S003, S004 = ("000-3dc35bbd3ec8b784", "001-9a35e64a2f67b33a", "002-8bd8d12e583eb50a",
                                "003-e553a3c957542cac", "004-0bb84e2ea38658e6")
# alert name, labels, summary → the seed runbook that should be attached (None: nothing fits).
ALERTS = [
    ("DatabaseConnectionPoolExhausted", {"service": "backend"}, "Connection pool exhausted: too many connections",
     f"{S003}/database-connection-pool-exhausted"),
    ("HighErrorRate", {"service": "akig-backend"}, "More than 5% of requests return 5xx",
     f"{S003}/high-error-rate"),
    ("CertificateExpiringInDays", {}, "TLS certificate expires in 7 days", f"{S003}/ssl-certificate-expiring"),
    ("MempoolTransactionSpike", {"namespace": "scorpius"}, "Mempool queue backlog growing",
     f"{S000}/mempool-transaction-spike"),
    ("JWTTokenCompromise", {"namespace": "scorpius"}, "Unusual authentication patterns detected",
     f"{S000}/jwt-token-compromise"),
    ("HighCPUUtilization", {"namespace": "scorpius"}, "CPU usage above 80% for 10 minutes",
     f"{S000}/high-cpu-utilization"),
    ("DiskSpaceCritical", {"namespace": "scorpius"}, "Disk usage above 85%", f"{S000}/disk-space-critical"),
    ("SlowDatabaseQueries", {}, "Queries slower than 5 seconds", f"{S000}/slow-database-queries"),
    ("RedisMemoryExhaustion", {"namespace": "origin-production"}, "Redis used memory at 95% of maxmemory",
     f"{S004}/redis-memory-exhaustion"),
    ("HighResponseTime", {}, "P95 latency above 1 second", f"{S003}/high-response-time"),
    ("PaymentProcessingFailure", {}, "Payment transactions failing", f"{S003}/payment-processing-failure"),
    ("KubePodCrashLooping", {"namespace": "default", "deployment": "blockchain-backend"}, "Pod is in CrashLoopBackOff",
     f"{S002}/application-won-t-start"),
    ("CloudFrontErrorRateHigh", {}, "CloudFront distribution returns errors; web app not loading",
     f"{S002}/cloudfront-s3-issues"),
    ("CompleteServiceOutage", {"namespace": "origin-production"}, "All health checks failing",
     f"{S004}/complete-service-outage"),
    ("DNSResolutionFailures", {"namespace": "scorpius"}, "Services report DNS resolution failures",
     f"{S000}/service-discovery-issues"),
    ("ContainerOutOfMemory", {}, "Container killed: out of memory", f"{S001}/out-of-memory"),
    ("MemoryLeakSuspected", {"namespace": "scorpius"}, "Memory usage grows steadily", f"{S000}/memory-leaks"),
    ("RedisConnectionFailures", {"namespace": "origin-production"}, "Clients cannot connect to Redis",
     f"{S004}/redis-connection-issues"),
    ("Watchdog", {}, "This alert is always firing to show the alerting pipeline works", None),
    ("KafkaConsumerLagHigh", {"namespace": "platform-observability"}, "Consumer group lag above 10000", None),
    ("EtcdMembersDown", {}, "etcd cluster members are down", None),
]


@pytest.mark.parametrize(("name", "labels", "text", "expected"), ALERTS, ids=[a[0] for a in ALERTS])
def test_each_alert_attaches_the_right_seed_runbook_or_none(name: str, labels: dict[str, str], text: str,
                                                             expected: str | None) -> None:
    matches = rank(seed_runbooks(), alert_names=[name], runbook_urls=[], labels=labels, text=text)
    best = best_match(matches)
    assert (best.slug if best else None) == expected, matches[:3]
    if expected:
        assert matches[0].slug == expected and matches[0].reasons


def test_scores_and_reasons_explain_the_ranking() -> None:
    matches = rank(seed_runbooks(), alert_names=["DatabaseConnectionPoolExhausted"], runbook_urls=[], labels={},
                   text="")
    first, second = matches[0], matches[1]
    assert first.slug.endswith("database-connection-pool-exhausted")
    assert "alert DatabaseConnectionPoolExhausted is named in the runbook" in first.reasons
    assert second.slug.endswith("database-connection-pool-exhaustion")
    assert any("matches the title 'Database Connection Pool Exhaustion'" in r for r in second.reasons)
    assert first.score > second.score >= ATTACH_THRESHOLD


def test_only_scenarios_are_matched() -> None:
    matches = rank(seed_runbooks(), alert_names=["EscalationPath"], runbook_urls=[], labels={}, text="escalation")
    assert all("escalation" not in m.slug for m in matches)


def test_runbook_url_resolves_into_the_collection_it_was_imported_with() -> None:
    url = "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping"
    matches = rank(collections(), alert_names=["KubePodCrashLooping"], runbook_urls=[url], labels={}, text="")
    assert matches[0].slug == "kubernetes/kubepodcrashlooping"
    assert any("runbook_url points to this runbook" in r for r in matches[0].reasons)


@pytest.mark.parametrize("variant", [
    "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodnotready",
    "https://RUNBOOKS.prometheus-operator.dev/runbooks/kubernetes/KubePodNotReady/",
    "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/KubePodNotReady.md",
])
def test_the_url_wins_over_a_same_named_runbook_from_another_collection(variant: str) -> None:
    matches = rank(collections(), alert_names=["KubePodNotReady"], runbook_urls=[variant], labels={}, text="")
    assert matches[0].slug == "kubernetes/kubepodnotready"
    openshift = next(m for m in matches if m.slug == "cluster-monitoring-operator/kubepodnotready")
    assert openshift.score < matches[0].score
    assert matches[0].score - openshift.score >= 60


def test_openshift_urls_resolve_to_openshift_runbooks() -> None:
    url = "https://github.com/openshift/runbooks/blob/master/alerts/cluster-monitoring-operator/KubePodNotReady.md"
    matches = rank(collections(), alert_names=["KubePodNotReady"], runbook_urls=[url], labels={}, text="")
    assert matches[0].slug == "cluster-monitoring-operator/kubepodnotready"


def test_without_a_url_both_same_named_runbooks_tie_on_the_name() -> None:
    matches = rank(collections(), alert_names=["KubePodNotReady"], runbook_urls=[], labels={}, text="")
    top = [m for m in matches if m.score == matches[0].score]
    assert {m.slug for m in top} == {"kubernetes/kubepodnotready", "cluster-monitoring-operator/kubepodnotready"}


def test_a_url_pointing_at_the_document_of_a_collection_file_scores_its_scenarios() -> None:
    base = "https://wiki.example.com/runbooks"
    runbooks = import_paths([SEEDS / "003_e553a3c957542cac.txt"], base_url=base)
    anchor = f"{base}/003_e553a3c957542cac.txt#-high-error-rate-5-5xx-errors"
    exact = rank(runbooks, alert_names=[], runbook_urls=[anchor], labels={}, text="")
    assert exact[0].slug.endswith("/high-error-rate") and exact[0].score == 100
    document = rank(runbooks, alert_names=[], runbook_urls=[f"{base}/003_e553a3c957542cac.txt"], labels={}, text="")
    assert {m.score for m in document} == {60}


def test_url_normalisation_ignores_case_trailing_slash_and_md_suffix() -> None:
    assert normalise_url("https://X.dev/A/B.md") == normalise_url("http://x.dev/a/b/") == ("x.dev/a/b", "")
    assert normalise_url("https://x.dev/a#Frag-") == ("x.dev/a", "frag")


def test_nothing_in_gives_nothing_out() -> None:
    assert rank(seed_runbooks(), alert_names=[], runbook_urls=[], labels={}, text="") == []
    assert rank([], alert_names=["HighErrorRate"], runbook_urls=[], labels={}, text="") == []
