"""Execute: a value never becomes a second interpreter's program text — it goes in as data or is refused.

Shell quoting makes a value one word for bash, but the program that receives the word may read it
again as code: an awk program, a sed script, a jq filter, `perl -e`, a grep pattern. Before the
command is filled, every simple command (also inside `sh -c`, `ssh HOST …`, `watch …`, `sudo`,
`timeout`, `kubectl exec … --`, `docker exec`, `find -exec`: wrappers) is read with shell_scan, and each
placeholder sentinel inside such a program is handled per tool:

    awk      `-v fb_x=<value>` and the program refers to the variable  (awk_program)
    jq       `--arg fb_x <value>` and the filter refers to `$fb_x`        (jq_program)
    redis-cli EVAL: the value is appended as an argument, the script reads `ARGV[n]` (lua_program)
    sed      escaped as a literal regex or replacement, else refused     (pattern_tools, commands.sed)
    grep     escaped as a literal pattern (`-F`, `-G`, `-E`, `-P`), a leading `-e` when the pattern
             is positional (pattern_tools); `psql -c`, SQL on psql's standard input: SQL literals (layers)
    perl, python, ruby, node, php, mysql -e, sqlite3, mongosh, gitlab-rails runner, yq, and a
    script a shell, interpreter or redis-cli reads from a here-document, a here-string or a pipe:
    refused, with the tool and placeholder named

The result (program_edits.Secured) is the rewritten command (still with sentinels), an extra
innermost quoting layer per sentinel (quoting: `awk:assign`, `sed:…`, `regex:…`, `arg:find`), and
the refusals.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Mapping
from functools import partial
from itertools import pairwise

from firebreak.runbook.commands.unix import AWK_VALUES
from firebreak.runbook.execute.awk_program import rewrite_awk
from firebreak.runbook.execute.jq_program import rewrite_jq
from firebreak.runbook.execute.layers import PRINTERS, SHELLS, joined_from, nested_script
from firebreak.runbook.execute.lua_program import rewrite_lua
from firebreak.runbook.execute.pattern_tools import GREPS, find_paths, grep_patterns, sed_scripts
from firebreak.runbook.execute.program_edits import Edits, Secured, end_options, read_options, rewrite_word
from firebreak.runbook.execute.shell_scan import scan_shell
from firebreak.runbook.execute.shell_words import SENTINEL, SimpleCommand, Word
from firebreak.runbook.execute.wrappers import starts

AWKS = frozenset({"awk", "gawk", "mawk", "nawk"})
JQS = frozenset({"jq", "gojq"})
SEDS = frozenset({"sed", "gsed"})
PROGRAM_FLAGS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "perl": (frozenset("eE"), frozenset()), "ruby": (frozenset("e"), frozenset()),
    "python": (frozenset("c"), frozenset()), "node": (frozenset("ep"), frozenset({"--eval", "--print"})),
    "php": (frozenset("rBRFE"), frozenset()), "mysql": (frozenset("e"), frozenset({"--execute"})),
    "mariadb": (frozenset("e"), frozenset({"--execute"})), "mongosh": (frozenset(), frozenset({"--eval"})),
    "mongo": (frozenset(), frozenset({"--eval"})), "lua": (frozenset("e"), frozenset()),
    "tclsh": (frozenset(), frozenset()), "osascript": (frozenset("e"), frozenset()),
}
# Where `python3.11`, `nodejs` … are the same tool.
ALIASES = {"nodejs": "node", "python2": "python", "python3": "python", "perl5": "perl", "gitlab-rails": "gitlab-rails"}
STDIN_PROGRAMS = SHELLS | frozenset({"perl", "ruby", "python", "node", "php", "lua", "redis-cli", "irb"})
WHOLE_PROGRAM = {"sqlite3": "an SQL statement for sqlite3", "yq": "a yq expression", "bpftrace": "a bpftrace program",
                 "gitlab-rails": "Ruby code for gitlab-rails runner"}
JQ_PAIRS = frozenset({"--arg", "--argjson", "--slurpfile", "--rawfile"})
JQ_VALUES = frozenset({"--indent", "-L", "-f", "--from-file"})
REDIS_VALUES = frozenset({"-h", "-p", "-a", "-n", "-u", "-s", "--user", "--pass", "--cacert", "--cert", "--key",
                          "-r", "-i", "--sni", "--cacertdir", "-d", "-D"})
HINTS = {
    "perl": "pass it as an argument (@ARGV, sys.argv, process.argv) or in the environment instead",
    "mysql": "give the query in a file or use a SQL step, which Firebreak quotes",
    "mariadb": "give the query in a file or use a SQL step, which Firebreak quotes",
    "mongosh": "pass it with --eval 'const v = process.env.V' and the environment instead",
    "mongo": "pass it with the environment instead",
}
MAX_DEPTH = 6


def tool_of(word: str) -> str:
    name = posixpath.basename(word)
    if re.fullmatch(r"python\d(\.\d+)?", name):
        return "python"
    return ALIASES.get(name, name)


def secure_programs(text: str, names: Mapping[int, str] | None = None) -> Secured:
    """Rewrite or refuse every sentinel that sits in a second interpreter's program (module docstring)."""
    out = Secured(text)
    out.text = _secure(text, names or {}, {}, out, 0)
    return out


def _secure(script: str, names: Mapping[int, str], variables: dict[int, str], out: Secured, depth: int) -> str:
    if depth > MAX_DEPTH or not SENTINEL.search(script):
        return script
    scan = scan_shell(script)
    edits = Edits(script, names, variables, out)
    for position, command in enumerate(scan.commands):
        words = command.words
        texts = [w.text for w in words]
        for at, end in starts(texts):
            _program(edits, words[at:end], scan.commands[:position], command)
        for at in range(len(texts)):
            nested = nested_script(texts, at)
            if nested is None or not SENTINEL.search(nested[1]):
                continue
            inner = _secure(nested[1], names, variables, out, depth + 1)
            if inner == nested[1]:
                continue
            span = words[nested[0]:nested[0] + 1] if nested[0] is not None else words[joined_from(texts, at) or 0:]
            if not all(w.literal for w in span):
                edits.refuse(nested[1], "in a script built with shell expansions, where Firebreak cannot pass "
                                        "it to the program inside as data")
                continue
            prefix = ""
            if nested[0] is not None and span[0].text != nested[1]:
                prefix = span[0].text[:len(span[0].text) - len(nested[1])]
            edits.edits.append((span[0].start, span[-1].end, shlex.quote(prefix + inner)))
    return _apply(script, edits.edits)


def _apply(script: str, edits: list[tuple[int, int, str]]) -> str:
    result = script
    done: list[tuple[int, int]] = []
    for start, end, new in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        if any(start < b and a < end for a, b in done):
            continue  # two edits of one word: the first one kept is enough to place the values
        result = result[:start] + new + result[end:]
        done.append((start, end))
    return result


def _program(edits: Edits, words: list[Word], earlier: list[SimpleCommand], command: SimpleCommand) -> None:
    """Handle one command that starts at words[0] (see the module docstring)."""
    if not words:
        return
    tool = tool_of(words[0].text)
    if tool in AWKS:
        _awk(edits, words)
    elif tool in JQS:
        _jq(edits, words)
    elif tool in SEDS:
        sed_scripts(edits, words)
    elif tool in GREPS:
        grep_patterns(edits, words, GREPS[tool])
    elif tool in PROGRAM_FLAGS:
        _flagged(edits, words, tool)
    elif tool in ("redis-cli", "gitlab-redis-cli"):
        _redis(edits, words)
    elif tool == "find":
        find_paths(edits, words)
    elif tool in WHOLE_PROGRAM:
        rest = words[1:] if tool != "gitlab-rails" else (words[2:] if words[1:2] and words[1].text in
                                                         ("runner", "r") else [])
        for word in rest:
            edits.refuse(word.text, f"in {WHOLE_PROGRAM[tool]}, which would run the value as code; "
                                    "Firebreak cannot pass it as data there")
    texts = [w.text for w in words]
    from_stdin = tool in STDIN_PROGRAMS and _reads_program_from_stdin(tool, texts)
    if tool in AWKS | JQS | SEDS and any(flag in ("-f", "--file", "--from-file") and value in ("-", "/dev/stdin")
                                         for flag, value in pairwise(texts)):
        from_stdin = True
    if from_stdin:
        why = (f"in the input {tool} reads as commands (a here-document, here-string or pipe), which would "
               f"run the value as code; pass it as an argument instead")
        for body in command.heredocs:
            edits.refuse(body, why)
        for word in command.herestrings:
            edits.refuse(word.text, why)
        for other in earlier:
            if other.pipeline == command.pipeline and other.words and tool_of(other.words[0].text) in PRINTERS:
                for arg in other.words[1:]:
                    edits.refuse(arg.text, why)


def _redis(edits: Edits, words: list[Word]) -> None:
    """`redis-cli EVAL SCRIPT NUMKEYS KEY… ARG…`: values in the script become ARGV[n], appended as arguments."""
    index = 1
    while index < len(words) and words[index].text.startswith("-"):
        index += 2 if words[index].text in REDIS_VALUES else 1
    rest = words[index:]
    if len(rest) < 3 or rest[0].text.upper() not in ("EVAL", "EVAL_RO") or not SENTINEL.search(rest[1].text):
        return
    script, numkeys = rest[1], rest[2].text
    if not numkeys.isdigit() or len(rest) < 3 + int(numkeys):
        edits.refuse(script.text, "in a Lua script given to redis-cli EVAL whose number of keys is not a plain "
                                  "number, so Firebreak cannot add the value as an argument")
        return
    result = rewrite_lua(script.text, len(rest) - 3 - int(numkeys) + 1)
    if result.problems:
        edits.out.problems.update({k: v for k, v in result.problems.items() if k not in edits.out.problems})
        return
    if rewrite_word(edits, script, "", result.script, "Lua"):
        edits.edits.append((words[-1].end, words[-1].end, "".join(f" FBPH{sid}Q" for sid in result.arguments)))


def _reads_program_from_stdin(tool: str, words: list[str]) -> bool:
    rest = words[1:]
    if tool == "redis-cli":
        index, arguments = 0, []
        while index < len(rest):
            if rest[index] in REDIS_VALUES:
                index += 2
                continue
            if not rest[index].startswith("-"):
                arguments.append(rest[index])
            index += 1
        return "--pipe" in rest or ("-x" not in rest and not arguments)
    if tool in SHELLS:
        return nested_script(words, 0) is None and (not [w for w in rest if not w.startswith("-")]
                                                    or any(w.startswith("-") and "s" in w[1:] for w in rest))
    flags = PROGRAM_FLAGS.get(tool, (frozenset(), frozenset()))[0]
    if any(w.startswith("-") and not w.startswith("--") and set(w[1:]) & flags for w in rest):
        return False
    return not [w for w in rest if not w.startswith("-")] or "-" in rest


def _flagged(edits: Edits, words: list[Word], tool: str) -> None:
    """perl -e, python -c, node -e, mysql -e …: a sentinel in the program is refused."""
    letters, longs = PROGRAM_FLAGS[tool]
    why = f"in a {tool} program, which would run the value as code; {HINTS.get(tool, HINTS['perl'])}"
    index = 1
    after_program = 0
    while index < len(words):
        word = words[index].text
        if word == "--":
            return
        if word.split("=", 1)[0] in longs:
            separate = "=" not in word and index + 1 < len(words)
            edits.refuse(word.split("=", 1)[1] if "=" in word else (words[index + 1].text if separate else ""), why)
            index += 1 + separate
            after_program = index
            continue
        if word.startswith("-") and not word.startswith("--") and len(word) > 1:
            for position, letter in enumerate(word[1:]):
                if letter in letters:
                    rest = word[position + 2:]
                    separate = not rest and index + 1 < len(words)
                    edits.refuse(rest or (words[index + 1].text if separate else ""), why)
                    index += separate
                    after_program = index + 1
                    break
        index += 1
    if after_program and tool in ("perl", "ruby", "node", "php"):
        end_options(edits, words, after_program)  # `perl -e PROG -eCODE`: a value must not be a switch


def _awk(edits: Edits, words: list[Word]) -> None:
    options, positional = read_options(words, AWK_VALUES)
    programs: list[tuple[Word, str]] = []
    for flag, word in options:
        text = word.text
        value = text.split("=", 1)[1] if text.startswith("--") and "=" in text else text
        value = value[len(flag):] if value.startswith(flag) else value
        if flag in ("-e", "--source"):
            programs.append((word, value))
        elif flag in ("-v", "--assign") and "=" in value:
            name, _, assigned = value.partition("=")
            edits.refuse(name, "in the name of an awk variable")
            for match in SENTINEL.finditer(assigned):
                edits.out.layers.setdefault(int(match.group(1)), "awk:assign")
    if not any(flag in ("-f", "--file", "-e", "--source", "-E", "--exec") for flag, _ in options) and positional:
        word = words[positional[0]]
        programs.append((word, word.text))
    additions: list[str] = []
    for word, program in programs:
        if not SENTINEL.search(program):
            continue
        result = rewrite_awk(program, partial(edits.variable, program=program))
        if result.problems:
            edits.out.problems.update({k: v for k, v in result.problems.items() if k not in edits.out.problems})
            continue
        if rewrite_word(edits, word, word.text[:len(word.text) - len(program)], result.program, "awk"):
            additions += [f"-v {name}=FBPH{sid}Q" for name, sid in result.assignments]
            for _, sid in result.assignments:
                edits.out.layers[sid] = "awk:assign"
    if additions:
        edits.edits.append((words[0].end, words[0].end, " " + " ".join(additions)))


def _jq(edits: Edits, words: list[Word]) -> None:
    options, positional = read_options(words, JQ_VALUES, JQ_PAIRS)
    if any(flag in ("-f", "--from-file") for flag, _ in options) or not positional:
        return
    word = words[positional[0]]
    if positional[1:]:
        end_options(edits, words, positional[1])
    if not SENTINEL.search(word.text):
        return
    result = rewrite_jq(word.text, lambda sid: edits.variable(sid, word.text))
    if result.problems:
        edits.out.problems.update({k: v for k, v in result.problems.items() if k not in edits.out.problems})
        return
    if rewrite_word(edits, word, "", result.program, "jq"):
        additions = " ".join(f"--arg {name} FBPH{sid}Q" for name, sid in result.bindings)
        edits.edits.append((words[0].end, words[0].end, " " + additions))


