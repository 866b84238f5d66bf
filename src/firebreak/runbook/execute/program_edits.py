"""Execute: the edits programs makes to a command line, and reading one tool's options (pure).

`Edits` collects text edits on one script (rewritten programs, added `-v`/`--arg` assignments,
`--` before operands), the extra quoting layer of each sentinel and the refusals, for one command
line; `read_options` splits a tool's words into options with their values and positional words.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field

from firebreak.runbook.execute.shell_words import SENTINEL, Word


@dataclass
class Secured:
    """The command with program values rewritten as data, extra quoting layers, refusals by sentinel."""

    text: str
    layers: dict[int, str] = field(default_factory=dict)
    problems: dict[int, str] = field(default_factory=dict)


@dataclass
class Edits:
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


def read_options(words: list[Word], values: frozenset[str], pairs: frozenset[str] = frozenset()
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


def rewrite_word(edits: Edits, word: Word, prefix: str, program: str, tool: str) -> bool:
    if not word.literal:
        edits.refuse(word.text, f"in a {tool} program built with shell expansions, where Firebreak cannot pass "
                              "it as data")
        return False
    edits.edits.append((word.start, word.end, shlex.quote(prefix + program)))
    return True


def end_options(edits: Edits, words: list[Word], first: int) -> None:
    """Put `--` before the first word from `first` on that starts with a value, so it is never an option."""
    if first >= len(words):
        return
    for word in words[1:]:
        if word.text == "--":
            return
        if word.start >= words[first].start and SENTINEL.match(word.text):
            edits.edits.append((word.start, word.start, "-- "))
            return
