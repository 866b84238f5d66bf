"""Command analysis per tool: kubectl, oc, aws, redis-cli, docker, Unix tools, SQL and psql, plain lines."""

from __future__ import annotations

import pytest

from firebreak.runbook.commands.classify import assess_command, classify_command


@pytest.mark.parametrize(("text", "language", "cls", "why"), [
    ("kubectl top pods -n scorpius", "bash", "read-only", "only reads"),
    ("kubectl get configmap app-config -o yaml | grep -A 5 database", "bash", "read-only", "kubectl get"),
    ("kubectl delete pod web-0", "bash", "destructive", "deletes pod web-0"),
    ("kubectl delete pod web-0 --dry-run=client", "bash", "read-only", "dry-run"),
    ("kubectl drain node-1 --ignore-daemonsets", "bash", "destructive", "evicts"),
    ("kubectl rollout restart deployment/api", "bash", "mutating", "rollout restart"),
    ("kubectl rollout status deployment/api", "bash", "read-only", "rollout status"),
    ("kubectl logs api-0 -f", "bash", "interactive", "follows"),
    ("kubectl logs api-0 --tail=100", "bash", "read-only", "logs"),
    ("kubectl get pods -w", "bash", "interactive", "watch"),
    ("kubectl edit configmap app", "bash", "interactive", "editor"),
    ("kubectl exec -it redis-0 -- redis-cli FLUSHALL", "bash", "destructive", "FLUSHALL"),
    ("kubectl exec redis-0 -- redis-cli info memory", "bash", "read-only", "INFO"),
    ("kubectl exec -it redis-0 -- redis-cli info memory", "bash", "interactive", "terminal"),
    ("kubectl replace --force -f pod.yaml", "bash", "destructive", "re-creates"),
    ("oc adm upgrade", "bash", "read-only", "only reads"),
    ("oc adm upgrade --to=4.15.3", "bash", "mutating", "changes"),
    ("oc rsh -c etcdctl etcd-0", "bash", "interactive", "shell"),
    ("aws rds describe-db-instances", "bash", "read-only", "only reads"),
    ("aws rds reboot-db-instance --db-instance-identifier db --force-failover", "bash", "destructive", "failover"),
    ("aws rds reboot-db-instance --db-instance-identifier db", "bash", "mutating", "changes"),
    ("aws ec2 terminate-instances --instance-ids i-1", "bash", "destructive", "deletes"),
    ("aws s3 rm s3://bucket/key", "bash", "destructive", "deletes"),
    ("aws s3 sync dist/ s3://bucket/", "bash", "mutating", "writes"),
    ("aws logs tail /aws/app --follow", "bash", "interactive", "follow"),
    ("redis-cli -h cache PING", "bash", "read-only", "PING"),
    ("redis-cli -h cache CONFIG SET maxmemory 2gb", "bash", "mutating", "CONFIG SET"),
    ("redis-cli -h cache CONFIG GET maxmemory", "bash", "read-only", "CONFIG GET"),
    ("redis-cli -h cache --bigkeys", "bash", "read-only", "SCAN"),
    ("redis-cli -h cache MONITOR", "bash", "interactive", "MONITOR"),
    ("redis-cli -h cache --stat", "bash", "interactive", "until interrupted"),
    ("redis-cli -h cache CLIENT KILL ID 5", "bash", "destructive", "CLIENT KILL"),
    ("redis-cli -h cache", "bash", "interactive", "interactive session"),
    ("docker ps -a", "bash", "read-only", "only reads"),
    ("docker logs -f api", "bash", "interactive", "follows"),
    ("docker rm -f api", "bash", "destructive", "removes"),
    ("docker volume prune -f", "bash", "destructive", "removes"),
    ("docker compose down -v", "bash", "destructive", "removes"),
    ("docker-compose restart api", "bash", "mutating", "restart"),
    ("systemctl status nginx", "bash", "read-only", "only reads"),
    ("systemctl restart nginx", "bash", "mutating", "changes"),
    ("sudo systemctl reboot", "bash", "destructive", "host down"),
    ("rm -rf /var/lib/app/cache", "bash", "destructive", "rm removes"),
    ("find /tmp -name '*.log' -exec rm {} \\;", "bash", "destructive", "rm"),
    ("find /var/log -name '*.gz'", "bash", "read-only", "only lists"),
    ("sed -i 's/a/b/' app.conf", "bash", "mutating", "in place"),
    ("sed 's/a/b/' app.conf", "bash", "read-only", "only prints"),
    ("sed -n '/error/p;/warn/p' app.log", "bash", "read-only", "only prints"),
    ("sed 's/.*/date/e' app.log", "bash", "mutating", "`e` flag"),
    ("sed -n '1e touch /tmp/x' app.log", "bash", "mutating", "`e` command runs a shell command"),
    ("sed -n '/error/w errors.txt' app.log", "bash", "mutating", "`w` command writes a file"),
    ("sed -e 's/a/b/w out.txt' app.log", "bash", "mutating", "`w` flag"),
    ("sed -f fix.sed app.log", "bash", "mutating", "script file fix.sed"),
    ("awk -F: '$3 > 999 {print $1}' /etc/passwd", "bash", "read-only", "only reads"),
    ("awk 'BEGIN {system(\"touch /tmp/x\")}'", "bash", "mutating", "system() runs a shell command"),
    ("awk '{print $1 > \"/tmp/out\"}' app.log", "bash", "mutating", "writes to a file"),
    ("awk '{print $1 > \"/dev/stderr\"}' app.log", "bash", "read-only", "only reads"),
    ("gawk '{\"date\" | getline now; print now}'", "bash", "mutating", "through a pipe"),
    ("kubectl logs api-0 | awk -f report.awk", "bash", "mutating", "program file report.awk"),
    ("tail -F /var/log/syslog", "bash", "interactive", "follows"),
    ("journalctl -u kubelet --since today", "bash", "read-only", "reads logs"),
    ("watch -n 5 kubectl get pods", "bash", "interactive", "repeats"),
    ("top -b -n 1", "bash", "read-only", "snapshot"),
    ("vim /etc/nginx/nginx.conf", "bash", "interactive", "editor"),
    ("ssh db1 'df -h'", "bash", "read-only", "df"),
    ("ssh db1", "bash", "interactive", "remote shell"),
    ("curl -s http://svc/health", "bash", "read-only", "GET"),
    ("curl -X DELETE http://svc/api/cache", "bash", "destructive", "DELETE"),
    ("curl -d '{}' http://svc/api/retry", "bash", "mutating", "POST"),
    ("wget -qO- http://svc/health", "bash", "read-only", "prints"),
    ("kubectl get all -o yaml > state.yaml", "bash", "mutating", "writes the file state.yaml"),
    ("kubectl get all -o yaml > /dev/null", "bash", "read-only", "kubectl get"),
    ("pkill -f worker", "bash", "destructive", "terminates"),
    ("kill -0 1234", "bash", "read-only", "checks"),
    ("while true; do date; sleep 1; done", "bash", "interactive", "loops until interrupted"),
    ("terraform destroy -auto-approve", "bash", "destructive", "destroys"),
    ("helm uninstall api", "bash", "destructive", "removes"),
    ("helm history api", "bash", "read-only", "only reads"),
    ("git reset --hard origin/main", "bash", "destructive", "discards"),
    ("etcdctl defrag", "bash", "mutating", "changes"),
    ("etcdctl del /registry/x", "bash", "destructive", "deletes"),
    ("patronictl failover --force", "bash", "destructive", "failover"),
    ("patronictl list", "bash", "read-only", "only reads"),
    ("jcmd 1 GC.heap_info", "bash", "read-only", "only reads"),
    ("psql -c 'VACUUM FULL big_table'", "bash", "mutating", "exclusive lock"),
    ("psql -f fix.sql", "bash", "mutating", "fix.sql"),
    ("psql -h db", "bash", "interactive", "interactive session"),
    ("psql <<SQL\nSELECT pg_terminate_backend(42);\nSQL", "bash", "destructive", "pg_terminate_backend"),
    ("mycustomtool --fix", "bash", "mutating", "unknown command mycustomtool"),
    ("./scripts/fix.sh", "bash", "mutating", "runs the script"),
    ("NAMESPACE=prod", "bash", "read-only", "shell variable"),
    ("SELECT count(*) FROM pg_stat_activity;", "sql", "read-only", "only reads"),
    ("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE state = 'active';", "sql", "mutating", "cancels"),
    ("SELECT pg_reload_conf();", "sql", "mutating", "reloads"),
    ("SELECT setval('seq', 10);", "sql", "mutating", "sequence"),
    ("SELECT * FROM t FOR UPDATE;", "sql", "mutating", "locks rows"),
    ("SELECT pg_promote();", "sql", "destructive", "promotes"),
    ("DELETE FROM sessions WHERE created < now() - interval '1 day';", "sql", "destructive", "removes rows"),
    ("UPDATE users SET active = false;", "sql", "destructive", "without WHERE"),
    ("UPDATE users SET active = false WHERE id = 7;", "sql", "mutating", "changes rows"),
    ("TRUNCATE audit_logs;", "sql", "destructive", "TRUNCATE"),
    ("DROP TABLE old_data;", "sql", "destructive", "DROP"),
    ("CREATE INDEX CONCURRENTLY i ON t (c);", "sql", "mutating", "CREATE"),
    ("ALTER TABLE t DROP COLUMN c;", "sql", "destructive", "DROP"),
    ("ALTER SYSTEM SET work_mem = '64MB';", "sql", "mutating", "configuration"),
    ("EXPLAIN SELECT * FROM t;", "sql", "read-only", "plans"),
    ("EXPLAIN ANALYZE DELETE FROM t;", "sql", "destructive", "DELETE"),
    ("SHOW max_connections;", "sql", "read-only", "session"),
    ("COPY (SELECT 1) TO STDOUT;", "sql", "read-only", "STDOUT"),
    ("COPY t TO '/tmp/t.csv';", "sql", "mutating", "/tmp/t.csv"),
    ("\\watch 2", "sql", "interactive", "\\watch"),
    ("select pg_terminate_backend(<pid>);", "sql", "destructive", "pg_terminate_backend"),
    ("INFO memory", "plain", "read-only", "INFO"),
    ("FLUSHALL", "plain", "destructive", "every key"),
    ("10.0.0.1:6379> del cache:key", "plain", "destructive", "DEL"),
    ("/incident declare \"API down\"", "plain", "interactive", "chat"),
    ("apiVersion: v1\nkind: ConfigMap\n", "yaml", "mutating", "manifest"),
])
def test_classification_table(text: str, language: str, cls: str, why: str) -> None:
    got, reason = classify_command(text, language)
    assert got == cls, (text, got, reason)
    assert why.lower() in reason.lower(), (text, reason)


def test_destructive_outranks_interactive_but_both_are_reported() -> None:
    verdict = assess_command("kubectl exec -it redis-0 -- redis-cli FLUSHDB", "bash")
    assert verdict.cls == "destructive"
    assert verdict.interactive is not None and "terminal" in verdict.explain()


def test_a_select_calling_a_side_effect_function_is_not_read_only() -> None:
    assert classify_command("SELECT now(), count(*) FROM pg_stat_activity;", "sql")[0] == "read-only"
    assert classify_command("SELECT pg_terminate_backend(pid) FROM pg_stat_activity;", "sql")[0] == "destructive"
    assert classify_command("SELECT pg_kill_everything();", "sql")[0] == "mutating"


def test_sql_inside_psql_and_kubectl_exec_is_parsed() -> None:
    text = 'kubectl exec -n db deploy/pg -- psql -U postgres -c "ALTER SYSTEM SET max_connections = 200;"'
    cls, reason = classify_command(text, "bash")
    assert cls == "mutating" and "ALTER SYSTEM" in reason
    cls, reason = classify_command("sudo gitlab-psql -taX -c \"select 1\"", "bash")
    assert cls == "read-only" and "SELECT" in reason


def test_placeholders_in_angle_brackets_are_not_read_as_redirections() -> None:
    cls, reason = classify_command("kubectl delete certificate <cert-name> -n <namespace>", "bash")
    assert cls == "destructive" and "<cert-name>" in reason
