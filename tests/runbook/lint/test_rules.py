"""Each lint rule, both ways: it fires on the defect and stays quiet on the sound version."""

from __future__ import annotations

from datetime import date

import pytest

from firebreak.runbook.intake.importer import Source, import_document
from firebreak.runbook.lint.engine import lint_runbooks

TODAY = date(2026, 11, 22)


def lint(markdown: str, *, known: tuple[str, ...] = (), today: date = TODAY) -> list[tuple[int, str]]:
    runbooks = import_document(Source("rb.md", "rb.md", markdown))
    return [(f.line, f.rule) for f in lint_runbooks(runbooks, today=today, known_vars=known)]


def rules(markdown: str, **kwargs: object) -> set[str]:
    return {rule for _, rule in lint(markdown, **kwargs)}  # type: ignore[arg-type]


def scenario(commands: str, *, lang: str = "bash", verify: bool = True, phase: str = "Remediation") -> str:
    tail = "\n## Verification\n\n```bash\ncurl -fsS http://svc/health\n```\n" if verify else ""
    return f"# Service Down\n\n## Symptoms\n\n- errors\n\n## {phase}\n\n```{lang}\n{commands}\n```\n{tail}"


@pytest.mark.parametrize(("bad", "good"), [
    ("# Kill idle connections\nredis-cli -h cache FLUSHDB",
     "# Last resort, only after confirming the cache holds nothing else\nredis-cli -h cache FLUSHDB"),
    ("kubectl delete pod web-0", "# If the pod is stuck in Terminating\nkubectl delete pod web-0"),
    ("find /var/log -name '*.gz' -delete", "find /var/log -name '*.gz' -print"),
    ("rm -rf /var/cache/app", "[ -d /var/cache/app ] && rm -rf /var/cache/app"),
])
def test_destructive_without_guard(bad: str, good: str) -> None:
    assert "destructive-unguarded" in rules(scenario(bad))
    assert "destructive-unguarded" not in rules(scenario(good))


@pytest.mark.parametrize(("bad", "good"), [
    ("kubectl exec -it redis-0 -- redis-cli INFO", "kubectl exec redis-0 -- redis-cli INFO"),
    ("kubectl logs api-0 -f", "kubectl logs api-0 --since=10m"),
    ("watch -n 5 kubectl get pods", "kubectl get pods"),
    ("redis-cli -h cache", "redis-cli -h cache INFO memory"),
    ("psql -h db", 'psql -h db -c "SELECT 1"'),
])
def test_interactive_in_an_unattended_step(bad: str, good: str) -> None:
    assert "interactive-unattended" in rules(scenario(bad, phase="Investigation"))
    assert "interactive-unattended" not in rules(scenario(good, phase="Investigation"))


def test_interactive_is_fine_in_a_manual_mitigation_step_and_in_process_documents() -> None:
    assert "interactive-unattended" not in rules(scenario("kubectl edit configmap app", phase="Remediation"))
    process = "# Escalation Policy\n\n## Contacts\n\n```bash\nssh ops@bastion\n```\n"
    assert "interactive-unattended" not in rules(process)


@pytest.mark.parametrize(("bad", "good"), [
    ("kubectl describe pod HIGH_CPU_POD", "kubectl describe pod POD_NAME"),
    ("ssh root@<vps-ip> uptime", "ssh root@<node> uptime"),
    ("redis-cli -h $REDIS_HOST INFO", "REDIS_HOST=cache.internal\nredis-cli -h $REDIS_HOST INFO"),
    ("kubectl logs $SOME_POD", "kubectl logs $POD"),
    ("kubectl create secret generic x --from-literal=a=...", "kubectl create secret generic x --from-literal=a=b"),
])
def test_placeholder_without_a_source(bad: str, good: str) -> None:
    assert "placeholder-no-source" in rules(scenario(bad, phase="Investigation"))
    assert "placeholder-no-source" not in rules(scenario(good, phase="Investigation"))


def test_placeholders_explained_in_prose_or_provided_by_configuration_have_a_source() -> None:
    explained = ("# Disk Full\n\n## Investigation\n\nReplace HIGH_POD with the pod from the dashboard:\n\n"
                 "```bash\nkubectl describe pod HIGH_POD\n```\n")
    assert "placeholder-no-source" not in rules(explained)
    assert "placeholder-no-source" not in rules(scenario("redis-cli -h $REDIS_HOST INFO", phase="Investigation"),
                                                 known=("REDIS_HOST",))


@pytest.mark.parametrize(("bad", "good", "lang"), [
    ("SELECT query, total_time FROM pg_stat_statements;", "SELECT query, total_exec_time FROM pg_stat_statements;",
     "sql"),
    ("SELECT procpid, current_query FROM pg_stat_activity;", "SELECT pid, query FROM pg_stat_activity;", "sql"),
    ("SELECT pg_current_xlog_location();", "SELECT pg_current_wal_lsn();", "sql"),
    ('psql -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = \'<IDLE>\'"',
     'psql -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE state = \'idle\'"', "bash"),
    ("kubectl exec web-0 ls /", "kubectl exec web-0 -- ls /", "bash"),
    ("kubectl delete pod web-0 --cascade=false", "kubectl delete pod web-0 --cascade=orphan", "bash"),
    ("docker-compose up -d", "docker compose up -d", "bash"),
])
def test_obsolete_commands(bad: str, good: str, lang: str) -> None:
    assert "obsolete-command" in rules(scenario(f"# If needed\n{bad}" if lang == "bash" else bad, lang=lang))
    assert "obsolete-command" not in rules(scenario(f"# If needed\n{good}" if lang == "bash" else good, lang=lang))


@pytest.mark.parametrize(("bad", "good", "lang"), [
    ("SELECT pg_ctl_reload();", "SELECT pg_reload_conf();", "sql"),
    ("SELECT pg_terminuate_backend(42);", "SELECT pg_terminate_backend(42);", "sql"),
    ("# If keys are stale\nredis-cli DEL session:*", "# If keys are stale\nredis-cli DEL session:42", "bash"),
    ("curl 'http://prom/api/v1/query?start=$(date +%s)'", 'curl "http://prom/api/v1/query?start=$(date +%s)"', "bash"),
    ("kubectl exec web-0 -- du -sh /*", "kubectl exec web-0 -- sh -c 'du -sh /*'", "bash"),
])
def test_wrong_commands(bad: str, good: str, lang: str) -> None:
    assert "wrong-command" in rules(scenario(bad, lang=lang))
    assert "wrong-command" not in rules(scenario(good, lang=lang))


def test_sql_pasted_into_a_shell_block_unless_it_says_psql() -> None:
    assert "wrong-command" in rules(scenario("SELECT count(*) FROM pg_stat_activity;"))
    assert "wrong-command" not in rules(scenario("# In psql:\nSELECT count(*) FROM pg_stat_activity;"))
    assert "wrong-command" not in rules(scenario("SELECT count(*) FROM pg_stat_activity;", lang="sql"))


@pytest.mark.parametrize(("bad", "good"), [
    ("kubectl log web-0", "kubectl logs web-0"),
    ("kubectl restart deployment/api", "kubectl rollout restart deployment/api"),
    ("aws elasticcache describe-cache-clusters", "aws elasticache describe-cache-clusters"),
    ("docker prune", "docker system prune --filter until=24h --dry-run"),
    ("redis-cli -h cache FLUSHEVERYTHING", "redis-cli -h cache INFO"),
])
def test_unknown_subcommands(bad: str, good: str) -> None:
    assert "unknown-subcommand" in rules(scenario(bad, phase="Investigation"))
    assert "unknown-subcommand" not in rules(scenario(good, phase="Investigation"))


@pytest.mark.parametrize(("bad", "good"), [
    ("date -u -v-1H +%Y-%m-%dT%H:%M:%S", "date -u -d '1 hour ago' +%Y-%m-%dT%H:%M:%S"),
    ("grep -P '\\d+' app.log", "grep -E '[0-9]+' app.log"),
    ("sed -r 's/a+/b/' app.log", "sed -E 's/a+/b/' app.log"),
    ("stat -c %s app.log", "wc -c < app.log"),
    ('echo "\\n=== Pods ==="', 'printf "\\n=== Pods ===\\n"'),
])
def test_non_portable_flags(bad: str, good: str) -> None:
    assert "non-portable-flag" in rules(scenario(bad, phase="Investigation"))
    assert "non-portable-flag" not in rules(scenario(good, phase="Investigation"))


@pytest.mark.parametrize(("bad", "good"), [
    ('curl -H "Authorization: Bearer sk_live_51HcQpLkR2a7x" http://api', 'curl -H "Authorization: Bearer $TOKEN" http://api'),
    ("redis-cli -h cache -a s3cr3tPass INFO", "redis-cli -h cache -a $REDIS_PASSWORD INFO"),
    ("PGPASSWORD=hunter22 psql -h db -c 'SELECT 1'", "PGPASSWORD=$DB_PASSWORD psql -h db -c 'SELECT 1'"),
    ("psql postgres://app:Tr0ub4dor@db/app -c 'SELECT 1'", "psql postgres://app@db/app -c 'SELECT 1'"),
    ("aws configure set aws_access_key_id AKIA2E0A8F3B244C9986", "aws configure list"),
])
def test_secrets_pasted_into_commands(bad: str, good: str) -> None:
    assert "secret-in-command" in rules(scenario(bad, phase="Investigation"))
    assert "secret-in-command" not in rules(scenario(good, phase="Investigation"))


@pytest.mark.parametrize(("bad", "good"), [
    ("perl -ne 'print if /<pattern>/' /var/log/app.log", "grep -F -- <pattern> /var/log/app.log"),
    ("python3 -c 'print(\"<pod>\")'", "python3 -c 'import sys; print(sys.argv[1])' <pod>"),
    ("sed 'e <pod>' /var/log/app.log", "sed -n '/<pod>/p' /var/log/app.log"),
    ("kubectl exec <pod> -- sh -c 'ruby -e \"puts <pod>\"'", "kubectl exec <pod> -- sh -c 'awk \"/<pod>/\" log'"),
    ("eval echo <pod>", "echo <pod>"),
])
def test_placeholder_inside_program_text(bad: str, good: str) -> None:
    assert "placeholder-in-program" in rules(scenario(bad, phase="Investigation"))
    assert "placeholder-in-program" not in rules(scenario(good, phase="Investigation"))
    runbooks = import_document(Source("rb.md", "rb.md", scenario(bad, phase="Investigation")))
    found = [f for f in lint_runbooks(runbooks, today=TODAY) if f.rule == "placeholder-in-program"]
    assert found[0].file == "rb.md" and found[0].line == 10 and found[0].severity == "error"
    assert "Firebreak blocks this step" in found[0].message and "<" in found[0].message


def test_review_overdue_only_after_the_date() -> None:
    text = "# Disk Full\n\n## Mitigation\n\nClean up.\n\n*Next Review: March 2025*\n"
    assert lint(text, today=date(2025, 4, 1)) == [(7, "review-overdue")]
    assert lint(text, today=date(2025, 3, 31)) == []
    assert lint("# Disk Full\n\n## Mitigation\n\nClean up.\n", today=date(2030, 1, 1)) == []


def test_mitigation_without_verification() -> None:
    assert "mitigation-unverified" in rules(scenario("# If needed\nkubectl rollout restart deployment/api",
                                                     verify=False))
    assert "mitigation-unverified" not in rules(scenario("# If needed\nkubectl rollout restart deployment/api"))
    checked = scenario("# If needed\nkubectl rollout restart deployment/api\nkubectl rollout status deployment/api",
                       verify=False)
    assert "mitigation-unverified" not in rules(checked)
    prose = ("# Service Down\n\n## Remediation\n\n```bash\n# If needed\nkubectl rollout restart deployment/api\n```\n\n"
             "Then confirm the error rate is back under 1%.\n")
    assert "mitigation-unverified" not in rules(prose)


def test_clean_runbook_has_no_findings() -> None:
    text = ("# HighErrorRate\n\n## Detection\n\n- Alert: `HighErrorRate`\n\n## Investigation\n\n```bash\n"
            "kubectl -n $NAMESPACE logs $POD --since=10m\n```\n\n## Mitigation\n\n```bash\n"
            "# If a deploy in the last hour caused it\n"
            "kubectl -n $NAMESPACE rollout undo deployment/$DEPLOYMENT\n```\n\n"
            "## Verification\n\n```bash\nkubectl -n $NAMESPACE rollout status deployment/$DEPLOYMENT\n```\n")
    assert lint(text) == []
