"""PostgreSQL facts for lint: functions and columns removed or renamed, and functions that never existed."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from firebreak.runbook.commands.shell import ANGLE

# pg_stat_statements columns renamed in PostgreSQL 13 (the *_time columns became *_exec_time).
RENAMED_COLUMNS = {
    "total_time": "total_exec_time", "mean_time": "mean_exec_time", "min_time": "min_exec_time",
    "max_time": "max_exec_time", "stddev_time": "stddev_exec_time",
}
# pg_stat_activity columns removed in 9.2 and 9.6.
REMOVED_ACTIVITY_COLUMNS = {"procpid": ("9.2", "pid"), "current_query": ("9.2", "query"),
                            "waiting": ("9.6", "wait_event_type and wait_event")}
# WAL functions renamed in PostgreSQL 10.
RENAMED_FUNCTIONS = {
    "pg_current_xlog_location": "pg_current_wal_lsn", "pg_current_xlog_insert_location": "pg_current_wal_insert_lsn",
    "pg_current_xlog_flush_location": "pg_current_wal_flush_lsn", "pg_last_xlog_receive_location":
    "pg_last_wal_receive_lsn", "pg_last_xlog_replay_location": "pg_last_wal_replay_lsn",
    "pg_switch_xlog": "pg_switch_wal", "pg_xlogfile_name": "pg_walfile_name",
    "pg_xlog_location_diff": "pg_wal_lsn_diff", "pg_is_xlog_replay_paused": "pg_is_wal_replay_paused",
    "pg_xlog_replay_pause": "pg_wal_replay_pause", "pg_xlog_replay_resume": "pg_wal_replay_resume",
}
KNOWN_PG_FUNCTIONS = frozenset([
    "pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf", "pg_rotate_logfile", "pg_switch_wal",
    "pg_promote", "pg_current_wal_lsn", "pg_current_wal_insert_lsn", "pg_current_wal_flush_lsn",
    "pg_last_wal_receive_lsn", "pg_last_wal_replay_lsn", "pg_last_xact_replay_timestamp", "pg_wal_lsn_diff",
    "pg_walfile_name", "pg_is_in_recovery", "pg_is_wal_replay_paused", "pg_wal_replay_pause",
    "pg_wal_replay_resume", "pg_size_pretty", "pg_size_bytes", "pg_database_size", "pg_relation_size",
    "pg_total_relation_size", "pg_table_size", "pg_indexes_size", "pg_column_size", "pg_tablespace_size",
    "pg_relation_filenode", "pg_relation_filepath", "pg_filenode_relation", "pg_get_indexdef", "pg_get_viewdef",
    "pg_get_constraintdef", "pg_get_functiondef", "pg_get_triggerdef", "pg_get_expr", "pg_get_userbyid",
    "pg_get_serial_sequence", "pg_backend_pid", "pg_blocking_pids", "pg_safe_snapshot_blocking_pids",
    "pg_postmaster_start_time", "pg_conf_load_time", "pg_current_logfile", "pg_stat_reset",
    "pg_stat_reset_shared", "pg_stat_reset_single_table_counters", "pg_stat_statements_reset",
    "pg_stat_get_activity", "pg_stat_file", "pg_ls_dir", "pg_ls_waldir", "pg_ls_logdir", "pg_read_file",
    "pg_read_binary_file", "pg_sleep", "pg_sleep_for", "pg_sleep_until", "pg_advisory_lock", "pg_advisory_unlock",
    "pg_advisory_xact_lock", "pg_try_advisory_lock", "pg_advisory_unlock_all",
    "pg_create_physical_replication_slot", "pg_create_logical_replication_slot", "pg_drop_replication_slot",
    "pg_replication_slot_advance", "pg_create_restore_point", "pg_start_backup", "pg_stop_backup",
    "pg_backup_start", "pg_backup_stop", "pg_export_snapshot", "pg_typeof", "pg_encoding_to_char",
    "pg_client_encoding", "pg_has_role", "pg_table_is_visible", "pg_function_is_visible", "pg_get_keywords",
    "pg_describe_object", "pg_identify_object", "pg_xact_commit_timestamp", "pg_current_xact_id",
    "pg_snapshot_xmin", "pg_visible_in_snapshot", "pg_jit_available", "pg_control_checkpoint",
    "pg_control_system", "pg_log_backend_memory_contexts", "pg_notification_queue_usage", "pg_trigger_depth",
    "pg_listening_channels", "pg_partition_tree", "pg_partition_root", "pg_stat_get_backend_pid",
    "pg_stat_clear_snapshot", "pg_index_column_has_property", "pg_options_to_table", "pg_tablespace_location",
    "pg_get_wal_replay_pause_state", "pg_import_system_collations"
])
NEVER_EXISTED = {"pg_ctl_reload": "pg_reload_conf()", "pg_reload_config": "pg_reload_conf()",
                 "pg_reload": "pg_reload_conf()", "pg_kill_backend": "pg_terminate_backend(pid)"}
IDLE_LITERAL = re.compile(r"'<IDLE>(?: in transaction)?'", re.I)


@dataclass(frozen=True)
class SqlIssue:
    """One problem found in SQL text."""

    rule: str
    message: str
    hint: str


def _parse(text: str) -> list[exp.Expression]:
    masked = ANGLE.sub(lambda m: "ph_" + re.sub(r"\W", "_", m.group(1)), text)
    try:
        return [s for s in sqlglot.parse(masked, read="postgres") if s is not None]
    except SqlglotError:
        return []


def check_sql(text: str) -> list[SqlIssue]:
    """Obsolete columns, functions and literals, and functions that do not exist."""
    issues: list[SqlIssue] = []
    statements = _parse(text)
    tables = {t.name.lower() for s in statements for t in s.find_all(exp.Table)}
    columns = {c.name.lower() for s in statements for c in s.find_all(exp.Column)}
    functions = [(f.name if isinstance(f, exp.Anonymous) else f.sql_name()).lower()
                 for s in statements for f in s.find_all(exp.Func)]
    if "pg_stat_statements" in tables:
        for old in sorted(columns & RENAMED_COLUMNS.keys()):
            issues.append(SqlIssue("obsolete-command",
                                   f"pg_stat_statements has no column {old} since PostgreSQL 13",
                                   f"use {RENAMED_COLUMNS[old]}"))
    if "pg_stat_activity" in tables:
        for old in sorted(columns & REMOVED_ACTIVITY_COLUMNS.keys()):
            version, new = REMOVED_ACTIVITY_COLUMNS[old]
            issues.append(SqlIssue("obsolete-command", f"pg_stat_activity has no column {old} since PostgreSQL "
                                   f"{version}", f"use {new}"))
    if IDLE_LITERAL.search(text):
        issues.append(SqlIssue("obsolete-command",
                               "pg_stat_activity.query is never '<IDLE>' since PostgreSQL 9.2, so this condition "
                               "matches nothing", "filter on state = 'idle' instead"))
    for name in dict.fromkeys(functions):
        if name in RENAMED_FUNCTIONS:
            issues.append(SqlIssue("obsolete-command", f"{name}() was renamed in PostgreSQL 10",
                                   f"use {RENAMED_FUNCTIONS[name]}()"))
        elif name in NEVER_EXISTED:
            issues.append(SqlIssue("wrong-command", f"PostgreSQL has no function {name}()",
                                   f"use {NEVER_EXISTED[name]}"))
        elif name.startswith("pg_") and name not in KNOWN_PG_FUNCTIONS:
            close = difflib.get_close_matches(name, KNOWN_PG_FUNCTIONS, n=1, cutoff=0.88)
            if close:
                issues.append(SqlIssue("wrong-command", f"PostgreSQL has no function {name}()",
                                       f"did you mean {close[0]}()?"))
    return issues
