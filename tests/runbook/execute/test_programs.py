"""A value bound for a second interpreter goes in as data or the step is refused: run them for real.

Each tool that reads a program (awk, sed, jq, grep, perl/python/node -e, sh -c, psql) runs the
filled command on this machine with hostile values — quotes, line breaks, `;`, `$(…)`, backticks
and the tool's own program syntax — and a marker file that any injected code would create.
"""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firebreak.runbook.commands.placeholders import find_placeholders
from firebreak.runbook.execute.executor import Environment, Limits
from firebreak.runbook.execute.fill import Blocked, Plan, fill_command
from firebreak.runbook.execute.local import LocalProcessExecutor
from firebreak.runbook.execute.programs import secure_programs
from firebreak.runbook.execute.sources import Sources

EXECUTOR = LocalProcessExecutor()
PG = "postgresql://postgres@127.0.0.1:5432/test"
REPRODUCED = 'x/ {print} BEGIN {system("touch MARK")} /x'
# Program syntax of each tool, shell syntax, and the marker command, put together at random.
FRAGMENTS = ["'", '"', "\n", ";", "$(touch MARK)", "`touch MARK`", "/", "\\", "{", "}", "(", ")", "[", "]",
             "#", "|", "&", "*", ".", "^", "$", "-e", "--", "%s", "&&", 'system("touch MARK")', "BEGIN {",
             "e touch MARK", "w MARK", "s/x/y/e", "\\(", "@sh", "$__loc__", "\\n", "\\1", "x", "~", "?", "+",
             "print", "; os.system('touch MARK')", "`", "ünï", "\t", " ", "=", ","]
HOSTILE = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=2).filter(lambda t: "\x00" not in t)),
                   max_size=8).map("".join)
PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def needs(tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} is not installed: add it to packages.debian.txt")


def fill(template: str, value: str) -> Plan | Blocked:
    return fill_command(template, "bash", find_placeholders(template),
                        Sources(labels={"value": value}, variables={"pg_dsn": PG}))


def run(template: str, value: str, marker: Path) -> tuple[Plan | Blocked, int, str]:
    value = value.replace("MARK", str(marker))
    plan = fill(template, value)
    if isinstance(plan, Blocked):
        return plan, -1, ""
    result = EXECUTOR.run(plan, environment=Environment({"PG_DSN": PG}), limits=Limits(timeout_seconds=15))
    assert not marker.exists(), (template, value, plan.display)
    return plan, result.exit_code, result.stdout


# --- the reproduction --------------------------------------------------------------------------

def test_awk_pattern_from_a_label_is_a_variable_not_program_text(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    template = "printf 'alpha\\nbeta\\n' | awk '/<pattern>/ {print}'"
    plan = fill_command(template, "bash", ["<pattern>"],
                        Sources(labels={"pattern": REPRODUCED.replace("MARK", str(marker))}))
    assert isinstance(plan, Plan)
    assert "-v fb_pattern=" in plan.display and "($0 ~ (fb_pattern))" in plan.display
    result = EXECUTOR.run(plan, environment=Environment(), limits=Limits(timeout_seconds=15))
    assert result.exit_code == 0 and result.stdout == ""
    assert not marker.exists()
    plan = fill_command(template, "bash", ["<pattern>"], Sources(labels={"pattern": "^al"}))
    assert isinstance(plan, Plan)
    assert EXECUTOR.run(plan, environment=Environment(), limits=Limits(timeout_seconds=15)).stdout == "alpha\n"


@pytest.mark.parametrize("value", [REPRODUCED, "x/e touch MARK\n#", "x/ e touch MARK #", "x/w MARK\n/x",
                                   "x/;e touch MARK;/x"])
def test_sed_pattern_stays_inside_its_regex(tmp_path: Path, value: str) -> None:
    marker = tmp_path / "pwned"
    plan, code, out = run("printf 'alpha\\nbeta\\n' | sed -n '/<value>/p'", value, marker)
    if "\n" in value:
        assert isinstance(plan, Blocked) and "line break" in plan.reason and "<value>" in plan.reason
        return
    assert code == 0 and out == ""


# --- awk -----------------------------------------------------------------------------------------

@PROPERTY
@given(value=HOSTILE)
def test_awk_strings_regexes_and_code_take_any_value_as_data(tmp_path: Path, value: str) -> None:
    marker = tmp_path / "m"
    plan, code, out = run("printf 'alpha\\n' | awk '{print \"<value>\" \"|\" $0}'", value, marker)
    assert isinstance(plan, Plan) and code == 0 and out == f"{value.replace('MARK', str(marker))}|alpha\n"
    plan, code, out = run("awk 'BEGIN {print <value>}'", value, marker)
    assert isinstance(plan, Plan) and code == 0 and out == value.replace("MARK", str(marker)) + "\n"
    plan, code, out = run("printf 'alpha\\nbeta\\n' | awk '/<value>/ {print \"hit\"}'", value, marker)
    assert isinstance(plan, Plan) and code in (0, 2)  # 2: the value is not a valid regex, awk says so
    assert set(out.splitlines()) <= {"hit"}


def test_awk_rewrites_name_the_variable_and_keep_the_program_working() -> None:
    plan = fill("awk -F: '$1 == \"<value>\" && $3 ~ /^<value>$/ {n++} END {print n+0}' /etc/passwd", "root")
    assert isinstance(plan, Plan)
    assert plan.argv[:5] == ("awk", "-v", "fb_value=root", "-v", "fb_value_2=root")
    assert "$1 == (fb_value) && $3 ~ (\"^\" fb_value_2 \"$\")" in plan.argv[6]
    plan = fill("awk '{ if (match($0, /a.<value>/)) print }'", "b")
    assert isinstance(plan, Plan) and "match($0, (\"a.\" fb_value))" in plan.display


@pytest.mark.parametrize("template", ["awk '{print xFBPH0Q}'", "awk '{print \"\\FBPH0Q\"}'",
                                      "awk '# FBPH0Q\n{print}'", "awk \"/$X/ {print \\\"FBPH0Q\\\"}\""])
def test_awk_places_that_cannot_hold_a_variable_are_refused(template: str) -> None:
    secured = secure_programs(template)
    assert 0 in secured.problems and "awk" in secured.problems[0], secured


# --- sed -----------------------------------------------------------------------------------------

@PROPERTY
@given(value=HOSTILE)
def test_sed_regex_and_replacement_are_literal_or_refused(tmp_path: Path, value: str) -> None:
    marker = tmp_path / "m"
    for template in ("printf '%s\\n' <value> | sed -n '/<value>/p'", "printf '%s\\n' <value> | sed -nE '\\,<value>,p'",
                     "printf '%s\\n' <value> | sed -n 's/^<value>$/[&]/p'"):
        plan, code, out = run(template, value, marker)
        if isinstance(plan, Blocked):
            assert "\n" in value or ("," in value and "\\," in template), plan.reason
            continue
        filled = value.replace("MARK", str(marker))
        if value:
            assert code == 0, (template, value, plan.display)
            assert out == (f"[{filled}]\n" if "[&]" in template else f"{filled}\n"), (template, plan.display)
    plan, code, out = run("printf 'alpha\\n' | sed 's/alpha/<value>/'", value, marker)
    if "\n" in value:
        assert isinstance(plan, Blocked)
    else:
        assert code == 0 and out == value.replace("MARK", str(marker)) + "\n"


@pytest.mark.parametrize(("template", "where"), [
    ("sed '<value>' f", "an address"), ("sed '/x/<value>' f", "a command"), ("sed 'e <value>' f", "`e` command"),
    ("sed 's/x/y/<value>' f", "flags"), ("sed '/x/w <value>' f", "`w` file name"), ("sed 'a <value>' f", "`a` text"),
    ("sed 'y/<value>/b/' f", "`y`"), ("sed -n '/[<value>]/p' f", "bracket"), ("sed -n '/\\<value>/p' f", "backslash"),
])
def test_sed_code_positions_are_refused(template: str, where: str) -> None:
    plan = fill(template, "p")
    assert isinstance(plan, Blocked), plan
    assert "<value>" in plan.reason and "sed" in plan.reason and where in plan.reason


# --- jq ------------------------------------------------------------------------------------------

@PROPERTY
@given(value=HOSTILE)
def test_jq_values_are_arguments(tmp_path: Path, value: str) -> None:
    needs("jq")
    marker = tmp_path / "m"
    filled = value.replace("MARK", str(marker))
    plan, code, out = run("jq -rn '\"<value>\"'", value, marker)
    assert isinstance(plan, Plan) and code == 0 and out == filled + "\n", plan.display
    plan, code, out = run("jq -rn '\"pre-\\(1 + 1)-<value>\" | ascii_downcase | length'", value, marker)
    assert isinstance(plan, Plan) and code == 0 and out == f"{len(f'pre-2-{filled}'.lower())}\n"
    plan, code, out = run("printf '{\"a\": 1}' | jq -c '{k: <value>, v: .<value>}'", value, marker)
    assert isinstance(plan, Plan) and code == 0, plan.display
    assert out.startswith('{"k":') and out.endswith(',"v":null}\n')


@pytest.mark.parametrize("template", ["jq '$FBPH0Q'", "jq '@FBPH0Q \"x\"'", "jq '.aFBPH0Q'",
                                      "jq '\"\\FBPH0Q\"'", "jq '# FBPH0Q'"])
def test_jq_names_built_from_a_value_are_refused(template: str) -> None:
    secured = secure_programs(template)
    assert 0 in secured.problems and "jq" in secured.problems[0], secured


# --- grep ----------------------------------------------------------------------------------------

@PROPERTY
@given(value=HOSTILE)
def test_grep_patterns_match_the_value_literally(tmp_path: Path, value: str) -> None:
    marker = tmp_path / "m"
    for template in ("printf '%s\\n' <value> | grep -c <value>", "printf '%s\\n' <value> | grep -cE '^<value>$'",
                     "printf '%s\\n' <value> | grep -cP '^<value>$'", "printf '%s\\n' <value> | grep -cF -e <value>",
                     "printf '%s\\n' <value> | grep -cx -e 'pre<value>' -e '<value>'"):
        plan, code, out = run(template, value, marker)
        if "\n" in value:
            assert isinstance(plan, Blocked) and "line break" in plan.reason
            continue
        assert isinstance(plan, Plan) and (code, out) == (0, "1\n"), (template, value, plan.display)


def test_grep_inside_brackets_or_after_a_backslash_is_refused() -> None:
    for template in ("grep -E '[<value>]' f", "grep '\\<value>' f"):
        plan = fill(template, "a")
        assert isinstance(plan, Blocked) and "<value>" in plan.reason and "grep" in plan.reason


# --- interpreters that cannot take a value as program text ----------------------------------------

@pytest.mark.parametrize(("template", "tool"), [
    ("perl -ne 'print if /<value>/' f", "perl"), ("perl -le 'print \"<value>\"'", "perl"),
    ("python3 -c 'print(\"<value>\")'", "python"), ("python3 -u -c 'print(1)' && python -c '<value>'", "python"),
    ("node -e 'console.log(\"<value>\")'", "node"), ("node --eval='console.log(1, \"<value>\")'", "node"),
    ("ruby -e 'puts \"<value>\"'", "ruby"), ("mysql -e \"SELECT '<value>'\"", "mysql"),
    ("sqlite3 db.sqlite \"SELECT '<value>'\"", "sqlite3"), ("gitlab-rails runner 'puts \"<value>\"'", "gitlab-rails"),
    ("kubectl exec pod -- perl -e 'print \"<value>\"'", "perl"),
    ("docker exec -u root c python3 -c 'print(\"<value>\")'", "python"),
    ("sudo -u app timeout 5 perl -e '<value>'", "perl"),
    ("bash <<EOF\necho <value>\nEOF", "bash"), ("python3 - <<'PY'\nprint('<value>')\nPY", "python"),
    ("echo 'print(\"<value>\")' | python3", "python"), ("sh <<< 'echo <value>'", "sh"),
    ("redis-cli -h localhost <<EOF\nGET <value>\nEOF", "redis-cli"),
])
def test_programs_that_would_run_the_value_are_refused(tmp_path: Path, template: str, tool: str) -> None:
    marker = tmp_path / "m"
    plan, _, _ = run(template, "x; touch MARK", marker)
    assert isinstance(plan, Blocked), plan
    assert "<value>" in plan.reason and tool in plan.reason, plan.reason
    assert not marker.exists()


@pytest.mark.parametrize("template", ["python3 -c 'import sys; print(sys.argv[1])' <value>",
                                      "perl -e 'print $ARGV[0], \"\\n\"' <value>",
                                      "node -e 'console.log(process.argv[1])' <value>"])
def test_interpreters_take_values_as_arguments(tmp_path: Path, template: str) -> None:
    needs(template.split()[0])
    marker = tmp_path / "m"
    for value in ["x; touch MARK", "$(touch MARK)", "`touch MARK`", "'\"\\", "a\nb", "-e"]:
        plan, code, out = run(template, value, marker)
        assert isinstance(plan, Plan) and code == 0, (template, value)
        assert out == value.replace("MARK", str(marker)) + "\n"


# --- nested: sh -c, kubectl exec, find -exec ------------------------------------------------------

@PROPERTY
@given(value=HOSTILE)
def test_programs_inside_nested_shells_still_get_data(tmp_path: Path, value: str) -> None:
    marker = tmp_path / "m"
    filled = value.replace("MARK", str(marker))
    plan, code, out = run("printf 'a\\n' | sh -c 'awk \"{print \\\"<value>\\\"}\"'", value, marker)
    assert isinstance(plan, Plan) and code == 0 and out == filled + "\n", plan.display
    plan, code, out = run("bash -c \"sh -c 'jq -rn \\\"\\\\\\\"<value>\\\\\\\"\\\"'\"", value, marker)
    assert isinstance(plan, Plan) and code == 0 and out == filled + "\n", plan.display
    plan, code, out = run("timeout 5 sh -c \"printf '%s\\n' <value> | grep -c -F -- <value>\"", value, marker)
    if "\n" in value:
        assert isinstance(plan, Blocked)
    else:
        assert isinstance(plan, Plan) and (code, out) == (0, "1\n"), plan.display


def test_wrappers_and_remote_commands_are_looked_through() -> None:
    plan = fill("kubectl exec pod -n ns -- awk '/<value>/'", "v")
    assert isinstance(plan, Plan) and plan.argv[6:9] == ("awk", "-v", "fb_value=v")
    plan = fill("ssh db1 awk '/<value>/' /var/log/syslog", "v")
    assert isinstance(plan, Plan) and plan.argv[2] == "awk -v fb_value=v '($0 ~ (fb_value))' /var/log/syslog"
    plan = fill("find /var/log -name '*.log' -exec grep -l <value> {} \\;", "-r")
    assert isinstance(plan, Plan) and "grep -l -e -r {}" in " ".join(plan.argv)
    plan = fill("mawk -W interactive '/<value>/'", "v")
    assert isinstance(plan, Plan)
    assert plan.argv == ("mawk", "-v", "fb_value=v", "-W", "interactive", "($0 ~ (fb_value))")
    plan = fill("grep --color <value> app.log", "a\nb")
    assert isinstance(plan, Blocked) and "line break" in plan.reason
    plan = fill("watch -n 5 'jq .<value> state.json'", "a b")
    assert isinstance(plan, Plan) and plan.argv[-1] == "jq --arg fb_value 'a b' '.[$fb_value]' state.json"


# --- psql ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("template", ["psql \"$PG_DSN\" -At -c \"SELECT '<value>'\"",
                                      "psql \"$PG_DSN\" -At <<< \"SELECT '<value>'\"",
                                      "echo \"SELECT '<value>'\" | psql \"$PG_DSN\" -At"])
def test_psql_values_are_sql_literals_in_real_postgresql(tmp_path: Path, template: str) -> None:
    marker = tmp_path / "m"
    for value in ["x'; COPY (SELECT 1) TO PROGRAM 'touch MARK'; --", "x'; \\! touch MARK\n'",
                  "$(touch MARK)", "a\nb", "it''s"]:
        plan, code, out = run(template, value, marker)
        if isinstance(plan, Blocked):
            assert "\\" in value and "backslash" in plan.reason
            continue
        assert code == 0 and out == value.replace("MARK", str(marker)) + "\n", plan.display


# --- redis-cli EVAL ------------------------------------------------------------------------------

def redis_get(key: str) -> str:
    return subprocess.run(["redis-cli", "-h", "127.0.0.1", "GET", key], capture_output=True, text=True,
                          check=True, timeout=10).stdout


@PROPERTY
@given(value=HOSTILE)
def test_redis_eval_gets_values_as_arguments_in_real_redis(tmp_path: Path, value: str) -> None:
    needs("redis-cli")
    marker = tmp_path / "m"
    template = "redis-cli -h 127.0.0.1 EVAL \"return '<value>' .. '|' .. #ARGV .. '|' .. KEYS[1]\" 1 fb:k"
    plan, code, out = run(template, value, marker)
    assert isinstance(plan, Plan) and plan.mode == "argv" and code == 0, plan
    assert plan.argv[4] == "return ARGV[1] .. '|' .. #ARGV .. '|' .. KEYS[1]"
    assert out == value.replace("MARK", str(marker)) + "|1|fb:k\n"


def test_redis_eval_values_cannot_call_redis(tmp_path: Path) -> None:
    key = f"fb:pwned:{uuid.uuid4().hex}"
    for value in (f"x' .. redis.call('SET', '{key}', 1) .. '", f"x\"; redis.call('SET', '{key}', 1); return \"",
                  f"]] .. redis.call('SET', '{key}', 1) .. [[", f"x\n redis.call('SET', '{key}', 1) --"):
        for template in ("redis-cli -h 127.0.0.1 EVAL \"return '<value>'\" 0",
                         "redis-cli -h 127.0.0.1 EVAL 'return \"<value>\"' 0",
                         "redis-cli -h 127.0.0.1 EVAL 'return [[<value>]]' 0",
                         "redis-cli -h 127.0.0.1 EVAL 'return <value>' 0"):
            plan, code, out = run(template, value, tmp_path / "m")
            assert isinstance(plan, Plan) and code == 0 and out == value + "\n", (template, value, plan)
            assert redis_get(key) == "\n", (template, value)


def test_redis_eval_refuses_what_it_cannot_turn_into_arguments() -> None:
    for template in ("redis-cli EVAL 'return 1 -- <value>' 0", "redis-cli EVAL 'return <value>' \"$(echo 1)\" k",
                     "redis-cli SCRIPT LOAD 'return <value>'", "redis-cli EVAL 'return \"\\<value>\"' 0"):
        plan = fill(template, "1")
        assert isinstance(plan, Blocked) and "<value>" in plan.reason and "Lua" in plan.reason, (template, plan)


# --- values that would be options or expressions --------------------------------------------------

def test_values_never_become_options_or_find_expressions(tmp_path: Path) -> None:
    (tmp_path / "keep.log").write_text("x\n")
    plan = fill(f"cd {tmp_path} && find <value> -name '*.log'", "-delete")
    assert isinstance(plan, Blocked) and "starts with `-`" in plan.reason and "find" in plan.reason
    assert (tmp_path / "keep.log").exists()
    marker = tmp_path / "m"
    plan, code, out = run(f"printf 'a\\n' > {tmp_path}/in && sed -n p {tmp_path}/in <value>",
                          "-es/a/touch MARK/e", marker)
    assert isinstance(plan, Plan) and " -- " in plan.display and code != 0 and out == "a\n"
    plan, code, out = run("printf '%s\\n' a | grep a <value>", "--include=x", marker)
    assert isinstance(plan, Plan) and " -- " in plan.display
    plan, code, out = run("perl -e 'print \"@ARGV\\n\"' <value>", "-esystem(q{touch MARK})", marker)
    assert isinstance(plan, Plan) and code == 0 and out == f"-esystem(q{{touch {marker}}})\n"


def test_programs_read_from_standard_input_are_refused() -> None:
    for template in ("awk -f - <<'AWK'\n/<value>/\nAWK", "printf '%s' '.<value>' | jq -f /dev/stdin f.json",
                     "busybox sh <<EOF\necho <value>\nEOF"):
        plan = fill(template, "x")
        assert isinstance(plan, Blocked) and "reads as commands" in plan.reason, (template, plan)
    plan = fill("busybox awk '/<value>/'", "x")
    assert isinstance(plan, Plan) and "-v fb_value=x" in plan.display
