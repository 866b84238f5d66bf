"""Execute: the chain of quoting contexts around each placeholder, through nested shells and SQL.

A placeholder in `kubectl exec pod -- sh -c "psql -c \\"SELECT '<x>'\\""` is inside a SQL string,
inside a script run by `sh -c`, inside the outer command. The chain is found by reading the outer
command (shell_scan), then the arguments that another interpreter will read again: the SQL given
to `psql -c` (or fed to psql's stdin by a heredoc or `echo … |`), and scripts given to
`sh -c`, `bash -c`, `su -c`, `ssh HOST …` and `watch …`. A Lua script redis-cli would load is
refused (values for `EVAL` become `ARGV[n]` first, see programs).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from firebreak.runbook.execute.shell_scan import scan_shell
from firebreak.runbook.execute.shell_words import SENTINEL, ShellScan, SimpleCommand
from firebreak.runbook.execute.sql_scan import scan_sql

SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh", "ash", "mksh", "busybox"})
PSQL = frozenset({"psql", "gitlab-psql"})
PSQL_ARG_LETTERS = frozenset("cdfhpUvoLFRTPC")
JOINING = frozenset({"ssh", "watch", "parallel"})
SSH_VALUES = frozenset({"-i", "-p", "-l", "-o", "-J", "-F", "-L", "-R", "-D", "-W", "-b", "-c", "-E", "-m",
                        "-O", "-Q", "-S", "-w", "-B", "-e"})
WATCH_VALUES = frozenset({"-n", "--interval", "-d", "--differences", "-q"})
PRINTERS = frozenset({"echo", "printf"})
MAX_DEPTH = 6


@dataclass
class Layers:
    """Per sentinel: its contexts, outermost first; refusals; the outer scan."""

    chains: dict[int, list[str]] = field(default_factory=dict)
    problems: dict[int, str] = field(default_factory=dict)
    scan: ShellScan = field(default_factory=ShellScan)


def sentinels_in(text: str) -> list[int]:
    return [int(m.group(1)) for m in SENTINEL.finditer(text)]


def name_of(word: str) -> str:
    return posixpath.basename(word)


def psql_sql(words: list[str], at: int) -> tuple[int, str] | None:
    """The index and text of the SQL given to `psql -c` (words[at] is psql), if any."""
    j = at + 1
    while j < len(words):
        word = words[j]
        if word in ("-c", "--command"):
            return (j + 1, words[j + 1]) if j + 1 < len(words) else None
        if word.startswith("--command="):
            return j, word[len("--command="):]
        if word.startswith("-") and not word.startswith("--") and len(word) > 1:
            cluster = word[1:]
            for position, letter in enumerate(cluster):
                if letter in PSQL_ARG_LETTERS:
                    if letter == "c":
                        rest = cluster[position + 1:]
                        if rest:
                            return j, rest
                        return (j + 1, words[j + 1]) if j + 1 < len(words) else None
                    if position == len(cluster) - 1:
                        j += 1  # the option's value is the next word
                    break
        j += 1
    return None


def reads_stdin_sql(words: list[str], at: int) -> bool:
    """`psql` without `-c`/`-f FILE`: it runs the SQL on its standard input."""
    rest = words[at + 1:]
    if psql_sql(words, at) is not None:
        return False
    for index, word in enumerate(rest):
        if word == "-f" and index + 1 < len(rest) and rest[index + 1] != "-":
            return False
        if word.startswith("--file=") and word != "--file=-":
            return False
    return True


def nested_script(words: list[str], at: int) -> tuple[int | None, str] | None:
    """A script another shell reads again, starting at words[at]: (word index or None if joined, text)."""
    name = name_of(words[at])
    rest = words[at + 1:]
    if name in SHELLS:
        for offset, word in enumerate(rest):
            if word.startswith("-") and len(word) > 1 and not word.startswith("--"):
                if "c" in word[1:]:
                    index = at + 1 + offset + 1
                    return (index, words[index]) if index < len(words) else None
                continue
            if word.startswith("--"):
                continue
            return None
        return None
    if name in ("su", "runuser"):
        for offset, word in enumerate(rest):
            if word in ("-c", "--command"):
                index = at + 1 + offset + 1
                return (index, words[index]) if index < len(words) else None
            if word.startswith("--command="):
                return at + 1 + offset, word[len("--command="):]
        return None
    start = joined_from(words, at)
    if start is not None:
        return None, " ".join(words[start:])
    return None


def joined_from(words: list[str], at: int) -> int | None:
    """For `ssh HOST WORDS…`, `watch WORDS…` at words[at]: the index of the first word joined into a script."""
    name = name_of(words[at])
    if name not in JOINING:
        return None
    values = SSH_VALUES if name == "ssh" else WATCH_VALUES
    index = at + 1
    while index < len(words) and words[index].startswith("-"):
        index += 2 if words[index] in values else 1
    if name == "ssh":
        index += 1  # the host
    return index if index < len(words) else None


def analyse_layers(text: str, depth: int = 0) -> Layers:
    """The context chain of every sentinel in a shell command (see the module docstring)."""
    scan = scan_shell(text)
    out = Layers(chains={sid: [f"shell:{ctx}"] for sid, ctx in scan.contexts.items()},
                 problems=dict(scan.problems), scan=scan)
    if depth > MAX_DEPTH:
        for sid in out.chains:
            out.problems.setdefault(sid, "nested too deeply")
        return out
    for position, command in enumerate(scan.commands):
        inspect_command(out, scan, position, command, depth)
    for sid in out.problems:
        out.chains.pop(sid, None)
    return out


def extend_sql(out: Layers, text: str) -> None:
    contexts, problems = scan_sql(text)
    for sid, context in contexts.items():
        if sid in out.chains:
            out.chains[sid] = [*out.chains[sid], f"sql:{context}"]
    out.problems.update({sid: why for sid, why in problems.items()})


def inspect_command(out: Layers, scan: ShellScan, position: int, command: SimpleCommand, depth: int) -> None:
    """Add the inner layers of one simple command's arguments."""
    words = [w.text for w in command.words]
    handled: set[int] = set()
    for at, word in enumerate(words):
        name = name_of(word)
        if name in PSQL:
            found = psql_sql(words, at)
            if found is not None and found[0] not in handled:
                handled.add(found[0])
                extend_sql(out, found[1])
            elif reads_stdin_sql(words, at):
                for body in command.heredocs:
                    extend_sql(out, body)
                for here in command.herestrings:
                    extend_sql(out, here.text)
                for earlier in scan.commands[:position]:
                    if earlier.pipeline == command.pipeline and earlier.words \
                            and name_of(earlier.words[0].text) in PRINTERS:
                        for arg in earlier.words[1:]:
                            if not arg.text.startswith("-"):
                                extend_sql(out, arg.text)
        elif name == "redis-cli":
            for index in range(at + 1, len(words) - 1):
                verb = words[index].upper()
                loads = verb in ("SCRIPT", "FUNCTION") and words[index + 1].upper() == "LOAD"
                if verb in ("EVAL", "EVAL_RO") or loads:
                    for script in words[index + 1:] if loads else words[index + 1:index + 2]:
                        for sid in sentinels_in(script):
                            out.problems.setdefault(sid, f"inside a Lua script given to redis-cli {verb}")
        nested = nested_script(words, at)
        if nested is None or (nested[0] is not None and nested[0] in handled):
            continue
        if nested[0] is not None:
            handled.add(nested[0])
        inner = analyse_layers(nested[1], depth + 1)
        for sid, chain in inner.chains.items():
            if sid in out.chains:
                out.chains[sid] = [*out.chains[sid], *chain]
        out.problems.update(inner.problems)
