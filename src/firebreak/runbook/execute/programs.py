"""Execute: a value never becomes a second interpreter's program text — it goes in as data or is refused.

Shell quoting makes a value one word for bash, but the program that receives the word may read it
again as code: an awk program, a sed script, a jq filter, `perl -e`, a grep pattern. Before the
command is filled, every simple command (also inside `sh -c`, `ssh HOST …`, `watch …`, `sudo`,
`timeout`, `kubectl exec … --`, `docker exec`, `find -exec`) is read with shell_scan, and each
placeholder sentinel inside such a program is handled per tool:

    awk      `-v fb_x=<value>` and the program refers to the variable  (awk_program)
    jq       `--arg fb_x <value>` and the filter refers to `$fb_x`        (jq_program)
    redis-cli EVAL: the value is appended as an argument, the script reads `ARGV[n]` (lua_program)
    sed      escaped as a literal regex or replacement, else refused     (commands.sed)
    grep     escaped as a literal pattern (`-F`, `-G`, `-E`, `-P`), a leading `-e` when the pattern
             is positional; `psql -c`, the SQL on psql's standard input: SQL literals (layers)
    perl, python, ruby, node, php, mysql -e, sqlite3, mongosh, gitlab-rails runner, yq, and a
    script a shell, interpreter or redis-cli reads from a here-document, a here-string or a pipe:
    refused, with the tool and placeholder named

The result is the rewritten command (still with sentinels), an extra innermost quoting layer per
sentinel (quoting: `awk:assign`, `sed:…`, `regex:…`), and the refusals.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from itertools import pairwise

from firebreak.runbook.commands.analyse import WRAPPER_VALUES
from firebreak.runbook.commands.sed import read_sed
from firebreak.runbook.commands.unix import AWK_VALUES
from firebreak.runbook.execute.awk_program import rewrite_awk
from firebreak.runbook.execute.jq_program import rewrite_jq
from firebreak.runbook.execute.layers import PRINTERS, SHELLS, joined_from, nested_script
from firebreak.runbook.execute.lua_program import rewrite_lua
from firebreak.runbook.execute.shell_scan import SENTINEL, SimpleCommand, Word, scan_shell

AWKS = frozenset({"awk", "gawk", "mawk", "nawk"})
JQS = frozenset({"jq", "gojq"})
SEDS = frozenset({"sed", "gsed"})
GREPS = {"grep": "bre", "egrep": "ere", "fgrep": "fixed", "zgrep": "bre", "zegrep": "ere", "zfgrep": "fixed",
         "xzgrep": "bre", "bzgrep": "bre"}
# Interpreters whose program is an option's value (cluster letters that take the program).
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
SED_VALUES = frozenset({"-e", "-f", "-l", "--expression", "--file", "--line-length"})
GREP_VALUES = frozenset({"-e", "-f", "-m", "-A", "-B", "-C", "-d", "-D", "--regexp", "--file", "--max-count",
                         "--after-context", "--before-context", "--context", "--include", "--exclude",
                         "--exclude-dir", "--exclude-from", "--label", "--devices", "--directories",
                         "--binary-files", "--group-separator"})
GREP_DIALECTS = {"E": "ere", "F": "fixed", "G": "bre", "P": "pcre", "--extended-regexp": "ere",
                 "--fixed-strings": "fixed", "--basic-regexp": "bre", "--perl-regexp": "pcre"}
DOCKER_VALUES = frozenset({"-e", "--env", "-u", "--user", "-w", "--workdir", "--env-file", "--detach-keys",
                           "--index", "--name", "-v", "--volume", "-p", "--publish", "--network", "--entrypoint",
                           "--platform", "-l", "--label", "--mount", "-h", "--hostname"})
REDIS_VALUES = frozenset({"-h", "-p", "-a", "-n", "-u", "-s", "--user", "--pass", "--cacert", "--cert", "--key",
                          "-r", "-i", "--sni", "--cacertdir", "-d", "-D"})
HINTS = {
    "perl": "pass it as an argument (@ARGV, sys.argv, process.argv) or in the environment instead",
    "mysql": "give the query in a file or use a SQL step, which Firebreak quotes",
    "mariadb": "give the query in a file or use a SQL step, which Firebreak quotes",
    "mongosh": "pass it with --eval 'const v = process.env.V' and the environment instead",
    "mongo": "pass it with the environment instead",
}
EXEC_WORDS = frozenset({"--", "-exec", "-execdir", "-ok", "-okdir"})
MAX_DEPTH = 6


@dataclass
class Secured:
    """The command with program values rewritten as data, extra quoting layers, refusals by sentinel."""

    text: str
    layers: dict[int, str] = field(default_factory=dict)
    problems: dict[int, str] = field(default_factory=dict)


@dataclass
class _Edits:
    """Text edits on one script (start, end, replacement) and what they need from the caller."""

    script: str
    names: Mapping[int, str]
    variables: dict[int, str]
    out: Secured
    edits: list[tuple[int, int, str]] = field(default_factory=list)

    def variable(self, sid: int, program: str) -> str:
        """An awk/jq variable for one sentinel: `fb_` and the placeholder's name, unique."""
        if sid in self.variables:
            return self.variables[sid]
        base = "fb_" + (re.sub(r"[^A-Za-z0-9_]", "_", self.names.get(sid, "value")).lower().strip("_") or "value")
        name, n = base, 2
        while name in self.variables.values() or re.search(rf"\b{re.escape(name)}\b", program):
            name, n = f"{base}_{n}", n + 1
        self.variables[sid] = name
        return name

    def refuse(self, text: str, why: str) -> None:
        for match in SENTINEL.finditer(text):
            self.out.problems.setdefault(int(match.group(1)), why)


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
    edits = _Edits(script, names, variables, out)
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


def starts(words: list[str]) -> list[tuple[int, int]]:
    """Where commands start inside one simple command (after wrappers), with where their words end."""
    found: list[tuple[int, int]] = []
    at: int | None = 0
    while at is not None and at < len(words):
        found.append((at, len(words)))
        at = inner_start(words, at)
    for index, word in enumerate(words[:-1]):
        if word in EXEC_WORDS and all(index + 1 != s for s, _ in found):
            end = next((j for j in range(index + 1, len(words)) if words[j] in (";", "+")), len(words))
            found.append((index + 1, end if word != "--" else len(words)))
    return found


def _skip_options(words: list[str], at: int, values: frozenset[str]) -> int:
    while at < len(words):
        word = words[at]
        if word == "--":
            return at + 1
        if word.startswith("-") and len(word) > 1:
            at += 2 if word in values else 1
            continue
        if "=" in word and word.split("=", 1)[0].isidentifier():
            at += 1
            continue
        return at
    return at


def inner_start(words: list[str], at: int) -> int | None:
    """The index of the command a wrapper runs (`sudo`, `timeout`, `kubectl exec … --` …), if any."""
    name = posixpath.basename(words[at])
    if name in WRAPPER_VALUES and name not in ("watch", "xargs"):
        start = _skip_options(words, at + 1, WRAPPER_VALUES[name])
        return start + 1 if name in ("timeout", "taskset", "chrt") else start
    if name == "xargs":
        return _skip_options(words, at + 1, WRAPPER_VALUES[name])
    if name in ("busybox", "setsid", "flock") and at + 1 < len(words):
        start = _skip_options(words, at + 1, frozenset({"-w", "--wait", "--timeout", "-E", "--conflict-exit-code"}))
        return start + 1 if name == "flock" else start
    if name == "ip" and words[at + 1:at + 3] == ["netns", "exec"]:
        return at + 4
    if name in ("chroot", "doas", "runuser") and at + 1 < len(words):
        start = _skip_options(words, at + 1, frozenset({"-u", "--userspec", "--groups"}))
        return start + 1 if name == "chroot" else start
    if name in ("kubectl", "oc") and "--" in words[at:]:
        return words.index("--", at) + 1
    if name in ("docker", "podman", "nerdctl"):
        rest = words[at + 1:]
        verb = 1 + (1 if rest[:1] in (["compose"], ["container"]) else 0)
        if at + verb < len(words) and words[at + verb] in ("exec", "run"):
            start = _skip_options(words, at + verb + 1, DOCKER_VALUES)
            return start + 1  # the container, service or image
    return None


def _program(edits: _Edits, words: list[Word], earlier: list[SimpleCommand], command: SimpleCommand) -> None:
    """Handle one command that starts at words[0] (see the module docstring)."""
    if not words:
        return
    tool = tool_of(words[0].text)
    if tool in AWKS:
        _awk(edits, words)
    elif tool in JQS:
        _jq(edits, words)
    elif tool in SEDS:
        _sed(edits, words)
    elif tool in GREPS:
        _grep(edits, words, GREPS[tool])
    elif tool in PROGRAM_FLAGS:
        _flagged(edits, words, tool)
    elif tool in ("redis-cli", "gitlab-redis-cli"):
        _redis(edits, words)
    elif tool == "find":
        _find(edits, words)
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


def _redis(edits: _Edits, words: list[Word]) -> None:
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
    if _rewrite_word(edits, script, "", result.script, "Lua"):
        edits.edits.append((words[-1].end, words[-1].end, "".join(f" FBPH{sid}Q" for sid in result.arguments)))


def _find(edits: _Edits, words: list[Word]) -> None:
    """`find PATH… EXPRESSION`: a value starting a path must not start with `-` (`-delete` is an expression)."""
    index = 1
    while index < len(words) and (words[index].text in ("-H", "-L", "-P", "-D")
                                  or words[index].text.startswith("-O")):
        index += 2 if words[index].text == "-D" else 1
    while index < len(words) and not words[index].text.startswith(("-", "(", "!")):
        match = SENTINEL.match(words[index].text)
        if match:
            edits.out.layers.setdefault(int(match.group(1)), "arg:find")
        index += 1


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


def _flagged(edits: _Edits, words: list[Word], tool: str) -> None:
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


def end_options(edits: _Edits, words: list[Word], first: int) -> None:
    """Put `--` before the first word from `first` on that starts with a value, so it is never an option."""
    if first >= len(words):
        return
    for word in words[1:]:
        if word.text == "--":
            return
        if word.start >= words[first].start and SENTINEL.match(word.text):
            edits.edits.append((word.start, word.start, "-- "))
            return


def _options(words: list[Word], values: frozenset[str], pairs: frozenset[str] = frozenset()
             ) -> tuple[list[tuple[str, Word]], list[int]]:
    """(option, value word) pairs and the indexes of positional words of one command."""
    options: list[tuple[str, Word]] = []
    positional: list[int] = []
    index = 1
    ended = False
    while index < len(words):
        text = words[index].text
        if ended or not text.startswith("-") or text == "-":
            positional.append(index)
        elif text == "--":
            ended = True
        elif text in pairs:
            index += 2
        elif text in values:
            if index + 1 < len(words):
                options.append((text, words[index + 1]))
            index += 1
        elif text.startswith("--") and "=" in text:
            options.append((text.split("=", 1)[0], words[index]))
        elif not text.startswith("--"):
            for position, letter in enumerate(text[1:]):
                if "-" + letter in values:
                    if position + 2 < len(text):
                        options.append(("-" + letter, words[index]))
                    elif index + 1 < len(words):
                        options.append(("-" + letter, words[index + 1]))
                        index += 1
                    break
                options.append(("-" + letter, words[index]))
        else:
            options.append((text, words[index]))
        index += 1
    return options, positional


def _rewrite_word(edits: _Edits, word: Word, prefix: str, program: str, tool: str) -> bool:
    if not word.literal:
        edits.refuse(word.text, f"in a {tool} program built with shell expansions, where Firebreak cannot pass "
                              "it as data")
        return False
    edits.edits.append((word.start, word.end, shlex.quote(prefix + program)))
    return True


def _awk(edits: _Edits, words: list[Word]) -> None:
    options, positional = _options(words, AWK_VALUES)
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
        if _rewrite_word(edits, word, word.text[:len(word.text) - len(program)], result.program, "awk"):
            additions += [f"-v {name}=FBPH{sid}Q" for name, sid in result.assignments]
            for _, sid in result.assignments:
                edits.out.layers[sid] = "awk:assign"
    if additions:
        edits.edits.append((words[0].end, words[0].end, " " + " ".join(additions)))


def _jq(edits: _Edits, words: list[Word]) -> None:
    options, positional = _options(words, JQ_VALUES, JQ_PAIRS)
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
    if _rewrite_word(edits, word, "", result.program, "jq"):
        additions = " ".join(f"--arg {name} FBPH{sid}Q" for name, sid in result.bindings)
        edits.edits.append((words[0].end, words[0].end, " " + additions))


def _sed(edits: _Edits, words: list[Word]) -> None:
    options, positional = _options(words, SED_VALUES)
    extended = any(flag in ("-E", "-r", "--regexp-extended") for flag, _ in options)
    scripts = [(w.text.split("=", 1)[1] if w.text.startswith("--expression=") else
                w.text[2:] if w.text.startswith("-e") and w.text != "-e" else w.text)
               for flag, w in options if flag in ("-e", "--expression")]
    operands = positional
    if not scripts and not any(flag in ("-f", "--file") for flag, _ in options) and positional:
        scripts, operands = [words[positional[0]].text], positional[1:]
    if operands:
        end_options(edits, words, operands[0])  # `sed SCRIPT -i`, `-es/x/y/e`: a value must not be an option
    for script in scripts:
        read = read_sed(script, extended=extended, marker=SENTINEL)
        for sid, layer in read.layers.items():
            edits.out.layers.setdefault(sid, layer)
        for sid, why in read.problems.items():
            edits.out.problems.setdefault(sid, why)


def _grep(edits: _Edits, words: list[Word], dialect: str) -> None:
    options, positional = _options(words, GREP_VALUES)
    for flag, _ in options:
        dialect = GREP_DIALECTS.get(flag.lstrip("-") if len(flag) == 2 else flag, dialect)
    patterns = [w for flag, w in options if flag in ("-e", "--regexp")]
    operands = positional
    if not patterns and not any(flag in ("-f", "--file") for flag, _ in options) and positional:
        word = words[positional[0]]
        patterns, operands = [word], positional[1:]
        ended = any(w.text == "--" for w in words[1:positional[0]])
        if SENTINEL.match(word.text) and not ended:
            edits.edits.append((word.start, word.start, "-e "))  # a value starting with `-` is no option
    if operands:
        end_options(edits, words, operands[0])
    for word in patterns:
        text = word.text
        for match in SENTINEL.finditer(text):
            sid = int(match.group(1))
            before = text[:match.start()]
            escaped = len(before) - len(before.rstrip("\\"))
            if escaped % 2:
                edits.out.problems.setdefault(sid, "right after a backslash in a grep pattern")
            elif dialect != "fixed" and _in_bracket(before):
                edits.out.problems.setdefault(sid, "inside a bracket expression [...] of a grep pattern")
            else:
                edits.out.layers.setdefault(sid, f"regex:{dialect}")


def _in_bracket(before: str) -> bool:
    """True when the end of `before` (a regex prefix) is inside `[...]`."""
    inside = False
    i = 0
    while i < len(before):
        char = before[i]
        if char == "\\" and not inside:
            i += 2
            continue
        if char == "[" and not inside:
            inside = True
            i += 2 if before[i + 1:i + 2] == "]" or before[i + 1:i + 3] == "^]" else 1
            continue
        if char == "]" and inside:
            inside = False
        i += 1
    return inside
