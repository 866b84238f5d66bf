"""The programs a command runs, nested ones included (`kubectl exec … -- psql -c "…"`), for lint rules."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from firebreak.runbook.commands.analyse import WRAPPER_VALUES
from firebreak.runbook.commands.shell import Word, analyse, mask_angles
from firebreak.runbook.commands.sql import psql_parts
from firebreak.runbook.commands.verdict import after_double_dash
from firebreak.runbook.model import Command

SCRIPT_RUNNERS = frozenset({"watch", "bash", "sh", "zsh", "ssh", "su"})


@dataclass(frozen=True)
class Invocation:
    """One program with its arguments as written (quoting kept) and any heredoc fed to it."""

    tool: str
    argv: tuple[str, ...]
    words: tuple[Word, ...]
    stdin_text: str | None = None


@lru_cache(maxsize=8192)
def invocations(text: str) -> tuple[Invocation, ...]:
    """Every program a shell command runs."""
    out: list[Invocation] = []
    for command in analyse(mask_angles(text)).commands:
        words = [Word(command.name), *command.args]
        out.extend(_unwrap(words, command.stdin_text, depth=0))
    return tuple(out)


def _unwrap(words: list[Word], stdin_text: str | None, depth: int) -> Iterator[Invocation]:
    if not words or depth > 4:
        return
    tool = posixpath.basename(words[0].value)
    argv = [w.value for w in words[1:]]
    yield Invocation(tool=tool, argv=tuple(argv), words=tuple(words[1:]), stdin_text=stdin_text)
    if tool in WRAPPER_VALUES and tool != "watch":
        index = 1
        takes = WRAPPER_VALUES[tool]
        while index < len(words) and (words[index].value.startswith("-") or "=" in words[index].value):
            index += 2 if words[index].value in takes else 1
        if tool == "timeout":
            index += 1
        yield from _unwrap(words[index:], stdin_text, depth + 1)
    elif tool in ("kubectl", "oc", "docker", "podman") and ("exec" in argv or "rsh" in argv or "run" in argv):
        inner = after_double_dash(argv)
        if inner:
            position = len(words) - len(inner)
            yield from _unwrap(words[position:], stdin_text, depth + 1)
    elif tool in SCRIPT_RUNNERS:
        yield from (inner for inner in invocations(_script_of(tool, argv)))


def _script_of(tool: str, argv: list[str]) -> str:
    """The shell text a script runner executes (`watch CMD`, `ssh HOST CMD`, `bash -c CMD`)."""
    if tool == "watch":
        return " ".join(a for a in argv if not a.startswith("-") and not a.isdigit())
    if tool == "ssh":
        return " ".join(argv[1:])
    if "-c" in argv and argv.index("-c") + 1 < len(argv):
        return argv[argv.index("-c") + 1]
    return ""


def sql_texts(command: Command) -> list[str]:
    """SQL a command runs: the unit itself, `psql -c "…"` arguments, heredocs fed to psql."""
    if command.language == "sql":
        return [command.text]
    if command.language != "bash":
        return []
    texts: list[str] = []
    for item in invocations(command.text):
        if item.tool in ("psql", "gitlab-psql"):
            statements, _, _ = psql_parts(list(item.argv))
            texts.extend(statements)
            if item.stdin_text:
                texts.append(item.stdin_text)
    return texts
