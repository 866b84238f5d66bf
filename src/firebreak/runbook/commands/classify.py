"""Command classification: read-only, mutating, destructive or interactive, with the reason."""

from __future__ import annotations

import re
from functools import lru_cache

from firebreak.runbook.commands.analyse import ANALYSER
from firebreak.runbook.commands.redis import KNOWN as REDIS_COMMANDS
from firebreak.runbook.commands.redis import assess_redis_command
from firebreak.runbook.commands.sql import assess_sql
from firebreak.runbook.commands.verdict import Verdict, mutating, needs_terminal, read_only
from firebreak.runbook.model import CommandClass

REDIS_PROMPT = re.compile(r"^\s*(?:[\w.-]+:\d+(?:\[\d+\])?>|redis>)\s*")
CHAT_COMMAND = re.compile(r"^/[a-z][\w-]*(\s|$)")


def plain_verdict(text: str) -> Verdict:
    """Lines that are neither shell nor SQL: Redis REPL commands, chat slash commands, manual steps."""
    stripped = REDIS_PROMPT.sub("", text.strip())
    words = stripped.split()
    if words and words[0].lower() in REDIS_COMMANDS:
        return assess_redis_command(words)
    if CHAT_COMMAND.match(stripped):
        return needs_terminal(mutating(f"{words[0]} posts a command to the chat tool"),
                              "a person types it in the chat tool")
    return needs_terminal(read_only("a manual step"), "a person carries it out")


def yaml_verdict(text: str) -> Verdict:
    """A YAML block: a Kubernetes-style manifest changes state when applied; other YAML is data."""
    if re.search(r"^\s*kind:\s*\S", text, re.M) and re.search(r"^\s*apiVersion:\s*\S", text, re.M):
        return mutating("a manifest; applying it changes cluster state")
    return read_only("YAML data")


@lru_cache(maxsize=16384)
def assess_command(text: str, language: str) -> Verdict:
    """The full verdict (effect and terminal need kept apart) for one command unit."""
    if language == "sql":
        return assess_sql(text)
    if language == "yaml":
        return yaml_verdict(text)
    if language == "plain":
        return plain_verdict(text)
    return ANALYSER.script(text)


def classify_command(text: str, language: str) -> tuple[CommandClass, str]:
    """Class and reason of one command: destructive > interactive > mutating > read-only."""
    verdict = assess_command(text, language)
    return verdict.cls, verdict.explain()  # type: ignore[return-value]
