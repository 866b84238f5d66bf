"""Command units: continuations and heredocs kept whole, prompts mark commands, languages told apart."""

from __future__ import annotations

from firebreak.runbook.intake.units import block_units, inline_unit


def texts(info: str, content: str) -> list[tuple[str, str, int]]:
    return [(u.language, u.text, u.line) for u in block_units(info, content, 10)]


def test_continuations_multi_line_quotes_and_heredocs_are_one_unit_each() -> None:
    content = ("# Update status page\ncurl -X POST https://status/api \\\n  -H 'A: b' \\\n  -d '{\n    \"x\": 1\n  }'\n"
               "\nkubectl apply -f - <<EOF\nkind: Pod\n- item\nEOF\nkubectl get pods\n")
    units = block_units("bash", content, 10)
    assert [u.line for u in units] == [12, 18, 22]
    assert units[0].text.endswith("}'") and units[0].comment == "Update status page"
    assert units[1].text.endswith("EOF") and "- item" in units[1].text
    assert units[2].text == "kubectl get pods"


def test_comment_groups_apply_until_a_blank_line() -> None:
    units = block_units("bash", "# 1. Check load\nkubectl top pods\nkubectl get hpa\n\nkubectl get nodes\n", 1)
    assert [u.comment for u in units] == ["1. Check load", "1. Check load", ""]


def test_sql_typed_into_a_shell_block_becomes_sql_units() -> None:
    content = ("# Option 2\nSELECT pg_terminate_backend(pid) FROM pg_stat_activity\nWHERE state = 'idle';\n\n"
               "ALTER SYSTEM SET x = 1;\nSELECT pg_reload_conf();\n")
    assert [(lang, line) for lang, _, line in texts("bash", content)] == [("sql", 12), ("sql", 15), ("sql", 16)]


def test_redis_repl_lines_and_chat_commands_are_plain_units() -> None:
    units = block_units("bash", "redis-cli -h <ENDPOINT>\n\n# Check status\nINFO\nDBSIZE\n", 1)
    assert [(u.language, u.text) for u in units] == [("bash", "redis-cli -h <ENDPOINT>"), ("plain", "INFO"),
                                                     ("plain", "DBSIZE")]
    assert texts("bash", '/incident declare "API down" severity:critical\n') == [
        ("plain", '/incident declare "API down" severity:critical', 11)]


def test_prompts_mark_commands_and_the_rest_is_output() -> None:
    content = ("$ kubectl -n monitoring get pvc -o wide\nNAME   STATUS   VOLUME\ndata-0 Bound    pvc-1\n"
               "$ oc -n $NAMESPACE logs -l app=x | \\\ngrep 'Failed' \\\n| sort\nmsg=\"Failed\" \\\n")
    assert texts("console", content) == [
        ("bash", "kubectl -n monitoring get pvc -o wide", 11),
        ("bash", "oc -n $NAMESPACE logs -l app=x | \\\ngrep 'Failed' \\\n| sort", 14)]
    redis = "worker$ /opt/gitlab/embedded/bin/redis-cli -h 10.0.0.1\n10.0.0.1:6379> auth <password>\nOK\n"
    assert texts("", redis) == [("bash", "/opt/gitlab/embedded/bin/redis-cli -h 10.0.0.1", 11),
                                ("plain", "auth <password>", 12)]
    psql = "gitlabhq=# \\set FETCH_COUNT 1\ngitlabhq=# select ctid,* from users;\n (439,226) | 9\n"
    assert texts("", psql) == [("sql", "\\set FETCH_COUNT 1", 11), ("sql", "select ctid,* from users;", 12)]


def test_output_and_prose_in_blocks_are_not_commands() -> None:
    assert texts("", "Status: Investigating\nSeverity: P1\n/incident create \"x\"\n") == [
        ("plain", '/incident create "x"', 13)]
    assert texts("console", "update.go:2641] Rebooting node\n(a / b) * 100\n") == []
    assert texts("shell", "notAfter=Aug  6 13:11:20 2025 GMT\n") == []
    assert texts("bash", '# In PagerDuty\n- Click "Acknowledge"\n- Add initial note\n') == []
    assert texts("promql", "rate(x[5m])\n") == []
    assert texts("yaml", "kind: Pod\n") == []


def test_sql_blocks_split_on_semicolons_and_blank_lines() -> None:
    content = ("-- Check slow queries\nSELECT query, calls\nFROM pg_stat_statements\nLIMIT 10;\n\n"
               "-- Check locks\nSELECT * FROM pg_locks WHERE NOT granted;\nCREATE INDEX CONCURRENTLY i ON t (c)\n\n"
               "DROP INDEX i\n")
    units = block_units("sql", content, 1)
    assert [(u.line, u.comment) for u in units] == [(3, "Check slow queries"), (8, "Check locks"), (9, ""), (11, "")]


def test_a_command_written_as_the_fence_info_string_is_kept() -> None:
    units = block_units('REDISCLI_AUTH=$(sudo grep ^masterauth /etc/redis.conf|cut -d" " -f2) redis-cli',
                        "127.0.0.1:6379> SLOWLOG GET 10\n", 5)
    assert [(u.language, u.line) for u in units] == [("bash", 5), ("plain", 6)]


def test_inline_code_counts_only_when_it_is_a_runnable_command() -> None:
    assert inline_unit("kubectl -n $NAMESPACE get pod $POD", 3) is not None
    assert inline_unit("rm -r /var/opt/gitlab/postgresql/data/*", 3) is not None
    for prose in ("kubectl exec", "gitlab-psql session", "redis-cli", "max_connections", "\\watch 2",
                  "set <keyname> <keyvalue> ex <expiry>"):
        assert inline_unit(prose, 3) is None, prose
