"""The public corpus imports cleanly; alert names, placeholders and commands come out right (sampled)."""

from __future__ import annotations

from datetime import date
from functools import cache

from firebreak.runbook.intake.importer import import_paths
from firebreak.runbook.lint.engine import lint_runbooks
from firebreak.runbook.model import Runbook
from tests.runbook.corpus import CORPUS, GITLAB, OPENSHIFT, PROMETHEUS_OPERATOR


@cache
def corpus() -> dict[str, Runbook]:
    return {r.slug: r for r in import_paths([CORPUS])}


def get(path: str) -> Runbook:
    return next(r for r in corpus().values() if r.source_path.endswith(path))


def test_every_corpus_file_imports_to_exactly_one_runbook() -> None:
    files = sorted(p for p in CORPUS.rglob("*.md"))
    assert len(files) == 59
    sources = [r.source_path for r in corpus().values()]
    assert sorted(sources) == sorted(str(p) for p in files)
    for runbook in corpus().values():
        assert runbook.title and runbook.line >= 1 and runbook.kind == "scenario"
        for command in runbook.commands:
            assert command.cls in ("read-only", "mutating", "destructive", "interactive") and command.reason


def test_alert_names_of_the_one_alert_per_file_collections() -> None:
    for path in PROMETHEUS_OPERATOR.rglob("*.md"):
        assert path.stem in get(str(path.relative_to(CORPUS))).alert_names, path
    for path in OPENSHIFT.rglob("*.md"):
        runbook = get(str(path.relative_to(CORPUS)))
        assert path.stem in runbook.alert_names, path
    assert get("MachineConfigDaemonRebootError.md").alert_names == ["MCDRebootError", "MachineConfigDaemonRebootError"]
    assert get("KubePodCrashLooping.md").title == "KubePodCrashLooping"
    assert get("KubePodCrashLooping.md").line == 6
    assert all(r.alert_names == [] for r in corpus().values() if str(GITLAB) in r.source_path)


def test_commands_in_prose_and_in_console_blocks() -> None:
    crash = get("prometheus-operator__runbooks/content/runbooks/kubernetes/KubePodCrashLooping.md")
    assert [(c.text, c.placeholders, c.cls) for c in crash.commands] == [
        ("kubectl -n $NAMESPACE get pod $POD", ["$NAMESPACE", "$POD"], "read-only"),
        ("kubectl -n $NAMESPACE describe pod $POD", ["$NAMESPACE", "$POD"], "read-only"),
        ("kubectl -n $NAMESPACE logs $POD -c $CONTAINER", ["$NAMESPACE", "$POD", "$CONTAINER"], "read-only")]
    assert [c.phase for c in crash.commands] == ["Diagnosis"] * 3
    target = get("openshift__runbooks/alerts/cluster-monitoring-operator/TargetDown.md")
    texts = [c.text for c in target.commands]
    assert texts[0].startswith("oc -n $NAMESPACE logs -l 'app.kubernetes.io/name=prometheus' --tail=-1 | \\")
    assert texts[0].endswith("| sort | uniq -c | sort -n")
    assert not any(t.startswith(("msg=", "notAfter=")) for t in texts)
    extract = next(c for c in target.commands if c.text.startswith("oc extract"))
    assert extract.cls == "mutating" and "certificate.crt" in extract.reason
    reboot = get("MachineConfigDaemonRebootError.md")
    assert [c.text for c in reboot.commands] == [
        "oc logs -f -n openshift-machine-config-operator $DAEMONPOD -c machine-config-daemon"]


def test_placeholders_in_the_corpus_forms() -> None:
    node = get("openshift__runbooks/alerts/cluster-monitoring-operator/NodeFilesystemSpaceFillingUp.md")
    assert node.commands[0].placeholders == ["<instance label from alert>"]
    assert node.commands[1].placeholders == ["$NODE_NAME"]
    pvc = get("prometheus-operator__runbooks/content/runbooks/kubernetes/KubePersistentVolumeFillingUp.md")
    assert pvc.commands[1].placeholders == ["<my-namespace>", "<my-pvc>"]
    xmin = get("pg_xid_xmin_age_alert.md")
    loop = next(c for c in xmin.commands if c.text.startswith("while sleep 1"))
    assert loop.placeholders == ["XXX"] and loop.cls == "interactive"


def test_gitlab_procedures_keep_their_careful_destructive_steps_apart() -> None:
    resize = get("k8s-pvc-resize.md")
    assert len(resize.commands) == 18
    deletes = [(c.line, c.cls) for c in resize.commands if " delete " in c.text]
    assert deletes == [(60, "destructive"), (112, "destructive"), (115, "destructive"), (151, "destructive")]
    disk = get("postgresql-disk-space.md")
    by_text = {c.text: c.cls for c in disk.commands}
    assert by_text["rm -r /var/opt/gitlab/postgresql/data/*"] == "destructive"
    assert by_text["watch du -sh /var/opt/gitlab/postgresql/data"] == "interactive"
    assert by_text["tail /var/log/gitlab/postgresql/current"] == "read-only"
    ban = get("ban-an-IP-with-redis.md")
    plain = [(c.text.split()[0], c.cls) for c in ban.commands if c.language == "plain"]
    assert ("setex", "mutating") in plain and ("del", "destructive") in plain and ("info", "read-only") in plain


def test_a_commented_out_terminate_keeps_a_query_read_only() -> None:
    wrap = get("pg_xid_wraparound_alert.md")
    assert [(c.language, c.cls) for c in wrap.commands] == [("sql", "read-only")]
    locking = get("postgresql-locking.md")
    assert [c.cls for c in locking.commands if "pg_" in c.text and "backend" in c.text] == ["mutating", "destructive"]


def test_lint_finds_the_removed_kubectl_log_subcommand() -> None:
    job = get("prometheus-operator__runbooks/content/runbooks/kubernetes/KubeJobFailed.md")
    findings = lint_runbooks([job], today=date(2026, 11, 22))
    assert [(f.line, f.rule) for f in findings if f.rule == "unknown-subcommand"] == [(20, "unknown-subcommand")]
