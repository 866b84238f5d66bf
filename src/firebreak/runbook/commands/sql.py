"""SQL with sqlglot (PostgreSQL dialect): what each statement does, functions with side effects included."""

from __future__ import annotations

import logging
import re
from functools import lru_cache

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from firebreak.runbook.commands.shell import ANGLE
from firebreak.runbook.commands.verdict import (
    Call,
    Context,
    Verdict,
    combine,
    destructive,
    mutating,
    needs_terminal,
    read_only,
)

logging.getLogger("sqlglot").setLevel(logging.ERROR)

SIDE_EFFECTS: dict[str, tuple[str, str]] = {
    "pg_terminate_backend": ("destructive", "terminates server processes, dropping their connections and "
                                            "rolling back their transactions"),
    "pg_cancel_backend": ("mutating", "cancels running queries"),
    "pg_reload_conf": ("mutating", "reloads the server configuration"),
    "pg_rotate_logfile": ("mutating", "rotates the server log"),
    "pg_switch_wal": ("mutating", "forces a WAL segment switch"),
    "pg_switch_xlog": ("mutating", "forces a WAL segment switch"),
    "pg_promote": ("destructive", "promotes a standby to primary"),
    "pg_drop_replication_slot": ("destructive", "drops a replication slot; its consumer loses its place"),
    "pg_create_physical_replication_slot": ("mutating", "creates a replication slot"),
    "pg_create_logical_replication_slot": ("mutating", "creates a replication slot"),
    "pg_replication_slot_advance": ("mutating", "advances a replication slot"),
    "pg_stat_reset": ("mutating", "resets statistics"),
    "pg_stat_reset_shared": ("mutating", "resets statistics"),
    "pg_stat_reset_single_table_counters": ("mutating", "resets statistics"),
    "pg_stat_statements_reset": ("mutating", "resets pg_stat_statements"),
    "pg_advisory_lock": ("mutating", "takes an advisory lock"),
    "pg_advisory_xact_lock": ("mutating", "takes an advisory lock"),
    "pg_try_advisory_lock": ("mutating", "takes an advisory lock"),
    "pg_advisory_unlock_all": ("mutating", "releases advisory locks"),
    "setval": ("mutating", "moves a sequence"), "nextval": ("mutating", "advances a sequence"),
    "pg_create_restore_point": ("mutating", "writes a restore point"),
    "pg_wal_replay_pause": ("mutating", "pauses WAL replay"),
    "pg_wal_replay_resume": ("mutating", "resumes WAL replay"),
    "pg_file_write": ("mutating", "writes a server file"), "pg_file_unlink": ("destructive", "deletes a server file"),
    "lo_unlink": ("destructive", "deletes a large object"), "lo_import": ("mutating", "creates a large object"),
    "lo_export": ("mutating", "writes a server file"), "dblink_exec": ("mutating", "runs a statement remotely"),
    "pg_import_system_collations": ("mutating", "creates collations"),
}
CHANGE_WORDS = re.compile(r"(kill|terminate|drop|delete|reset|reload|write|truncate|purge|remove|flush)")
META_READ = re.compile(r"^\\(set|pset|x|timing|d\w*|l\+?|c|connect|conninfo|q|echo|encoding|t|a|H|f|o?$)\b")


def statement_verdict(statement: exp.Expression) -> Verdict:
    """One parsed statement's verdict."""
    if isinstance(statement, exp.Command):
        rest = statement.expression
        return keyword_verdict(f"{statement.this} {rest.name if isinstance(rest, exp.Expression) else rest or ''}")
    if isinstance(statement, exp.Drop):
        return destructive(f"DROP {statement.args.get('kind') or ''} removes the object".replace("  ", " "))
    if isinstance(statement, exp.TruncateTable):
        return destructive("TRUNCATE empties tables")
    if isinstance(statement, exp.Delete):
        return destructive("DELETE removes rows")
    if isinstance(statement, exp.Update):
        if statement.args.get("where") is None:
            return destructive("UPDATE without WHERE rewrites every row")
        return mutating("UPDATE changes rows")
    if isinstance(statement, (exp.Insert, exp.Merge)):
        return mutating(f"{statement.key.upper()} writes rows")
    if isinstance(statement, exp.Copy):
        target = [t.sql() for t in statement.args.get("files") or []]
        if statement.args.get("kind"):
            return mutating("COPY … FROM loads rows")
        if not target or all(t.lower() in ("stdout", "program") for t in target):
            return read_only("COPY … TO STDOUT only reads")
        return mutating(f"COPY writes {', '.join(target)} on the database server")
    if isinstance(statement, exp.Create):
        return mutating(f"CREATE {statement.args.get('kind') or ''} adds an object".replace("  ", " "))
    if isinstance(statement, exp.Alter):
        for action in statement.args.get("actions") or []:
            if isinstance(action, exp.Drop) or "DROP" in action.sql().upper()[:5]:
                return destructive("ALTER … DROP removes part of the object")
        return mutating("ALTER changes an object")
    if isinstance(statement, (exp.Transaction, exp.Commit, exp.Rollback)):
        return read_only("transaction control")
    if isinstance(statement, (exp.Set, exp.Use, exp.Describe, exp.Pragma)):
        return read_only(f"{statement.key.upper()} changes only this session")
    if isinstance(statement, exp.Query):
        return query_verdict(statement)
    return mutating(f"{statement.key.upper()} statement; treated as changing state")


def query_verdict(statement: exp.Expression) -> Verdict:
    """A SELECT is read-only unless it calls a function with side effects, locks or creates."""
    verdicts: list[Verdict] = []
    for func in statement.find_all(exp.Func):
        name = (func.name if isinstance(func, exp.Anonymous) else func.sql_name()).lower()
        if name in SIDE_EFFECTS:
            effect, why = SIDE_EFFECTS[name]
            verdicts.append(Verdict(effect, f"SELECT calls {name}(), which {why}"))  # type: ignore[arg-type]
        elif isinstance(func, exp.Anonymous) and CHANGE_WORDS.search(name):
            verdicts.append(mutating(f"SELECT calls {name}(), which looks like it changes server state"))
    if statement.find(exp.Into):
        verdicts.append(mutating("SELECT … INTO creates a table"))
    if statement.find(exp.Lock):
        verdicts.append(mutating("SELECT … FOR UPDATE locks rows"))
    for node in statement.find_all(exp.Insert, exp.Update, exp.Delete):
        verdicts.append(statement_verdict(node))
    return combine(verdicts) if verdicts else read_only("SELECT only reads")


def keyword_verdict(text: str) -> Verdict:
    """Statements sqlglot keeps as plain commands, judged by their leading keywords."""
    words = text.upper().split()
    head = words[0] if words else ""
    second = words[1] if len(words) > 1 else ""
    if head in ("SHOW", "DISCARD", "RESET", "SET", "LISTEN", "UNLISTEN", "DEALLOCATE", "PREPARE"):
        return read_only(f"{head} affects only this session")
    if head == "EXPLAIN":
        if second == "ANALYZE" or "ANALYZE" in text.upper().split("(")[0] or "ANALYZE" in second:
            inner = re.sub(r"^\s*EXPLAIN\s+(\([^)]*\)\s*|ANALYZE\s+|VERBOSE\s+)*", "", text, flags=re.I)
            return assess_sql(inner) if inner.strip() else read_only("EXPLAIN only plans")
        return read_only("EXPLAIN only plans the query")
    if head == "ALTER" and second == "SYSTEM":
        return mutating("ALTER SYSTEM changes the server configuration")
    if head == "VACUUM":
        if "FULL" in words[:4]:
            return mutating("VACUUM FULL rewrites tables under an exclusive lock")
        return mutating("VACUUM cleans up tables")
    if head == "ANALYZE":
        return mutating("ANALYZE updates planner statistics")
    if head == "LOCK":
        return mutating("LOCK takes a table lock that blocks other sessions")
    if head in ("REINDEX", "CLUSTER", "REFRESH", "CHECKPOINT", "GRANT", "REVOKE", "COMMENT", "NOTIFY",
                "CALL", "DO", "IMPORT", "SECURITY", "REASSIGN"):
        return mutating(f"{head} changes database state")
    if head in ("TRUNCATE", "DROP"):
        return destructive(f"{head} removes data")
    if head == "DELETE":
        return destructive("DELETE removes rows")
    if head in ("BEGIN", "START", "COMMIT", "ROLLBACK", "END", "SAVEPOINT", "RELEASE", "ABORT"):
        return read_only("transaction control")
    if head in ("SELECT", "WITH", "TABLE", "VALUES"):
        return read_only(f"{head} only reads")
    return mutating(f"{head or 'empty'} statement; treated as changing state")


def meta_verdict(line: str) -> Verdict:
    """A psql backslash command."""
    stripped = line.strip()
    if stripped.startswith("\\watch"):
        return needs_terminal(read_only("\\watch re-runs the last query"), "psql \\watch repeats until interrupted")
    if stripped.startswith(("\\i", "\\ir", "\\include")):
        return mutating("psql \\i runs a SQL file; treated as changing state")
    if stripped.startswith("\\copy"):
        return mutating("psql \\copy reads or writes a local file")
    if stripped.startswith("\\!"):
        return mutating("psql \\! runs a shell command; treated as changing state")
    if stripped.startswith(("\\e", "\\ef", "\\ev")):
        return needs_terminal(read_only("psql \\e opens an editor"), "psql \\e opens an editor")
    if META_READ.match(stripped):
        return read_only(f"psql {stripped.split()[0]} only changes the psql session")
    return read_only(f"psql {stripped.split()[0]} meta-command")


@lru_cache(maxsize=4096)
def assess_sql(text: str) -> Verdict:
    """The verdict on SQL text of one or more statements (psql meta-commands included)."""
    lines = [line for line in text.splitlines() if line.strip().startswith("\\")]
    body = ANGLE.sub(lambda m: "ph_" + re.sub(r"\W", "_", m.group(1)),
                     "\n".join(line for line in text.splitlines() if not line.strip().startswith("\\")))
    verdicts = [meta_verdict(line) for line in lines]
    if body.strip():
        try:
            statements = [s for s in sqlglot.parse(body, read="postgres") if s is not None]
            verdicts.extend(statement_verdict(s) for s in statements)
        except SqlglotError:
            for chunk in [c for c in body.split(";") if c.strip()]:
                verdicts.append(keyword_verdict(chunk.strip()))
    return combine(verdicts, empty="no SQL statement")


PSQL_TAKES_VALUE = set("cdfhpUvoPFRTLgCW")


def psql_parts(argv: list[str]) -> tuple[list[str], list[str], bool]:
    """SQL given with -c/--command, files given with -f/--file, and whether it only lists databases."""
    sql: list[str] = []
    files: list[str] = []
    lists = False
    index = 0
    while index < len(argv):
        arg = argv[index]
        value: str | None = None
        flag = ""
        if arg.startswith("--"):
            name, _, inline = arg.partition("=")
            flag = {"--command": "c", "--file": "f", "--list": "l"}.get(name, "")
            if flag in ("c", "f"):
                value = inline or (argv[index + 1] if index + 1 < len(argv) else "")
                index += 0 if inline else 1
        elif arg.startswith("-") and len(arg) > 1:
            for position, letter in enumerate(arg[1:], start=1):
                if letter == "l":
                    lists = True
                if letter in PSQL_TAKES_VALUE:
                    rest = arg[position + 1:]
                    flag = letter
                    if rest:
                        value = rest
                    elif index + 1 < len(argv):
                        value = argv[index + 1]
                        index += 1
                    break
        if flag == "c" and value is not None:
            sql.append(value)
        elif flag == "f" and value is not None:
            files.append(value)
        index += 1
    return sql, files, lists


def assess_psql(call: Call, ctx: Context) -> Verdict:
    """psql (and wrappers such as gitlab-psql): the SQL it runs, or an interactive session."""
    sql, files, lists = psql_parts(call.argv)
    verdicts = [assess_sql(text) for text in sql]
    verdicts += [mutating(f"{call.name} -f runs the SQL file {name}; treated as changing state")
                 for name in files if name != "-"]
    if call.stdin_text:
        verdicts.append(assess_sql(call.stdin_text))
    if verdicts:
        return combine(verdicts)
    if lists:
        return read_only(f"{call.name} -l lists databases")
    return needs_terminal(read_only(f"an interactive {call.name} session changes nothing by itself"),
                          f"{call.name} without -c opens an interactive session")


def assess_mysql(call: Call, ctx: Context) -> Verdict:
    """mysql -e "…": the SQL it runs, or an interactive session."""
    statement = call.value("-e", "--execute")
    if statement:
        return assess_sql(statement)
    if call.stdin_text:
        return assess_sql(call.stdin_text)
    return needs_terminal(read_only("an interactive mysql session changes nothing by itself"),
                          "mysql without -e opens an interactive session")
