"""Hostile placeholder values are data, never code: run the filled commands for real and check."""

from __future__ import annotations

import hashlib
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firebreak.runbook.commands.placeholders import find_placeholders
from firebreak.runbook.execute.adapt import Adapted, adapt_step
from firebreak.runbook.execute.executor import Environment, Limits
from firebreak.runbook.execute.fill import Blocked, Plan, fill_command, locate, restore, sentinelise
from firebreak.runbook.execute.local import LocalProcessExecutor
from firebreak.runbook.execute.sources import Sources, Value

PG = "postgresql://postgres@127.0.0.1:5432/test"
TARGET_DSN = Value(PG, "target", "db.dsn", secret=True)
EXECUTOR = LocalProcessExecutor()


def hostile(canary: Path) -> list[str]:
    return [
        f"x; touch {canary}", f"$(touch {canary})", f"`touch {canary}`", f"'; touch {canary}; '",
        f'"; touch {canary}; "', f"a\ntouch {canary}", f"a\r\ntouch {canary}", f"\\'; touch {canary} #",
        f"|| touch {canary}", f"& touch {canary} &", f"> {canary}", f"${{IFS}}touch${{IFS}}{canary}",
        f"$'\\x41'; touch {canary}", "*", "~", "-e", "", "it's \"quoted\" \\ back\\slash",
        f"x'; COPY (SELECT 1) TO PROGRAM 'touch {canary}'; --", f"x\"; COPY (SELECT 1) TO PROGRAM 'touch {canary}'; --",
        f"$$; COPY (SELECT 1) TO PROGRAM 'touch {canary}'; $$", f"*/ COPY (SELECT 1) TO PROGRAM 'touch {canary}'; /*",
        "ünïcødé ✓", "a b\tc",
    ]


def run(text: str, value: str, language: str = "bash",
        variables: dict[str, str] | None = None) -> tuple[Plan | Blocked, str]:
    sources = Sources(labels={"value": value}, variables=variables or {"pg_dsn": PG}, connection=TARGET_DSN)
    adapted = adapt_step(text, find_placeholders(text)) if language == "bash" else Adapted(text)
    assert isinstance(adapted, Adapted)
    plan = fill_command(adapted.text, language, find_placeholders(text, language), sources)
    if isinstance(plan, Blocked):
        return plan, ""
    result = EXECUTOR.run(plan, environment=Environment({"PG_DSN": PG}), limits=Limits(timeout_seconds=15))
    assert result.exit_code == 0, (plan, result)
    return plan, result.stdout


SHELL_TEMPLATES = [
    ("printf '%s\\n' <value>", "argv"),
    ("printf '%s\\n' <value> | cat", "bash"),
    ("printf '%s\\n' \"<value>\" | cat", "bash"),
    ("printf '%s\\n' '<value>' | cat", "bash"),
    ("printf '%s\\n' \"pre-<value>-post\" | cat", "bash"),
    ("printf '%s\\n' \"$(printf '%s' <value>)\" | cat", "bash"),
    ("sh -c \"printf '%s\\n' <value>\"", "argv"),
    ("bash -c 'printf \"%s\\n\" \"<value>\"' | cat", "bash"),
    ("timeout 5 sh -c 'sh -c \"printf %s\\\\\\\\n <value>\"'", "argv"),
]


@pytest.mark.parametrize(("template", "mode"), SHELL_TEMPLATES)
def test_hostile_values_reach_the_program_unchanged_and_run_nothing(tmp_path: Path, template: str, mode: str) -> None:
    canary = tmp_path / "canary"
    for value in hostile(canary):
        plan, out = run(template, value)
        assert isinstance(plan, Plan), (template, value, plan)
        assert plan.mode == mode
        wanted = f"pre-{value}-post\n" if "pre-" in template else value + "\n"
        if "$(" in template:
            wanted = value.rstrip("\n") + "\n"  # $(…) drops trailing newlines, as bash always does
        assert out == wanted, (template, value, plan.display, out)
        assert not canary.exists(), (template, value, plan.display)


def test_heredoc_takes_plain_values_and_refuses_line_breaks(tmp_path: Path) -> None:
    canary = tmp_path / "canary"
    template = "cat <<EOF\nvalue: <value>\nEOF"
    for value in hostile(canary):
        plan, out = run(template, value)
        if "\n" in value or "\r" in value:
            assert isinstance(plan, Blocked) and "line break" in plan.reason
        else:
            assert out == f"value: {value}\n", (value, out)
        assert not canary.exists()


def test_watch_is_adapted_into_a_bounded_loop_that_still_quotes(tmp_path: Path) -> None:
    canary = tmp_path / "canary"
    template = "watch -n 0.2 'printf \"%s\\n\" <value>'"
    adapted = adapt_step(template, ["<value>"], follow_seconds=1)
    assert isinstance(adapted, Adapted) and adapted.notes
    value = f"x; touch {canary}"
    sources = Sources(labels={"value": value})
    plan = fill_command(adapted.text, "bash", find_placeholders(template), sources)
    assert isinstance(plan, Plan)
    result = EXECUTOR.run(plan, environment=Environment(), limits=Limits(timeout_seconds=10))
    lines = result.stdout.splitlines()
    assert len(lines) >= 2 and set(lines) == {value}
    assert result.duration_seconds < 5
    assert not canary.exists()


SQL_TEMPLATES = [
    ("psql \"$PG_DSN\" -X -At -c \"SELECT md5('<value>')\"", "bash"),
    ("psql \"$PG_DSN\" -X -At -c \"SELECT md5(<value>::text)\"", "bash"),
    ("psql \"$PG_DSN\" -X -At -c 'SELECT md5(\"<value>\") FROM (SELECT 1) AS t(\"<value>\")' | cat", "bash"),
    ("SELECT md5('<value>') AS v;", "sql"),
    ("SELECT md5(<value>) AS v;", "sql"),
    ("SELECT md5(substr($q$ <value>$q$, 2)) AS v;", "sql"),
    ("SELECT md5(E'<value>') AS v;", "sql"),
]


def sql_hostile(canary: Path) -> list[str]:
    """The values that matter to SQL quoting (the shell ones are covered above)."""
    return [v for v in hostile(canary) if any(c in v for c in "'\"\\$*\n-")] + ["", "ünïcødé ✓"]


@pytest.mark.parametrize(("template", "language"), SQL_TEMPLATES)
def test_sql_values_are_literals_in_real_postgresql(tmp_path: Path, template: str, language: str) -> None:
    canary = tmp_path / "canary"
    for value in sql_hostile(canary):
        plan, out = run(template, value, language)
        if isinstance(plan, Blocked):
            # refusals are about the value and name it: a backslash in '…', `$` in $q$…$q$, "" as identifier
            assert "<value>" in plan.reason and "label 'value'" in plan.reason, plan.reason
            assert ("backslash" in plan.reason and "md5('" in template) or ("`$`" in plan.reason and "$q$" in template)
            continue
        assert not canary.exists(), (template, value)
        if '"<value>"' in template:
            continue  # an identifier: the query ran (exit 0 checked) with the value as a column name
        digest = hashlib.md5(value.encode()).hexdigest()
        assert digest in out, (template, value, out)
    with psycopg.connect(PG) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_sql_values_with_backslashes_are_refused_in_plain_strings() -> None:
    plan = fill_command("SELECT '<value>'", "sql", ["<value>"], Sources(labels={"value": "a\\'b"},
                                                                         connection=TARGET_DSN))
    assert isinstance(plan, Blocked)
    assert "backslash" in plan.reason and "<value>" in plan.reason and "label 'value'" in plan.reason


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40))
def test_any_text_survives_every_shell_context(value: str) -> None:
    template = "printf '%s|' <value> \"<value>\" '<value>' x<value>x | cat"
    plan, out = run(template, value)
    assert isinstance(plan, Plan)
    assert out == f"{value}|{value}|{value}|x{value}x|"


@pytest.mark.parametrize("template", [
    "echo `cat <value>`", "echo $((<value> + 1))", "eval echo <value>", "[[ <value> -eq 1 ]] && echo yes",
    "echo ${HOME:-<value>}", "echo $'<value>'", "redis-cli SCRIPT LOAD \"return '<value>'\"",
])
def test_places_that_would_evaluate_a_value_are_refused(template: str) -> None:
    plan = fill_command(template, "bash", find_placeholders(template), Sources(labels={"value": "1"}))
    assert isinstance(plan, Blocked)
    assert "<value>" in plan.reason


def test_sentinels_round_trip() -> None:
    text = "kubectl logs <POD_NAME> -n $NAMESPACE --since ${SINCE}"
    raws = find_placeholders(text)
    marked, owners = sentinelise(text, locate(text, raws))
    assert "<POD_NAME>" not in marked and restore(marked, owners) == text
