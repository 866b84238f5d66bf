"""Execute: what reading a piece of shell yields — words as the program receives them, simple commands,
and the quoting context (or refusal) of each placeholder sentinel (`FBPH<n>Q`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SENTINEL = re.compile(r"FBPH(\d+)Q")
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?\+?=")


@dataclass
class Word:
    """One word as the program receives it: quotes removed, sentinels kept; `literal` if no expansion."""

    text: str
    start: int
    end: int
    literal: bool = True


@dataclass
class SimpleCommand:
    """A command's words (redirection targets left out), heredoc bodies and here-strings fed to it, its pipeline."""

    words: list[Word] = field(default_factory=list)
    heredocs: list[str] = field(default_factory=list)
    herestrings: list[Word] = field(default_factory=list)
    pipeline: int = 0
    start: int = 0
    end: int = 0


@dataclass
class ShellScan:
    """The result of reading one piece of shell."""

    commands: list[SimpleCommand] = field(default_factory=list)
    contexts: dict[int, str] = field(default_factory=dict)
    problems: dict[int, str] = field(default_factory=dict)
    needs_shell: bool = False

    def refuse(self, sentinel: int, reason: str) -> None:
        self.problems.setdefault(sentinel, reason)

    def sentinels(self) -> set[int]:
        return set(self.contexts) | set(self.problems)



class WordBuilder:
    """A word being read: its pieces so far, whether any came from an expansion, where it started."""

    def __init__(self, start: int) -> None:
        self.parts: list[str] = []
        self.started = False
        self.dynamic = False
        self.start = start

    def add(self, text: str, *, dynamic: bool = False) -> None:
        if not self.started:
            self.started = True
        self.parts.append(text)
        self.dynamic = self.dynamic or dynamic

    def build(self, end: int) -> Word:
        return Word("".join(self.parts), self.start, end, literal=not self.dynamic)

