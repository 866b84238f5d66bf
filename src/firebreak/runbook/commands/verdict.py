"""The verdict on one command: its effect, whether it needs a terminal, and why."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, Protocol

Effect = Literal["read-only", "mutating", "destructive"]
RANK: dict[str, int] = {"read-only": 0, "mutating": 1, "destructive": 2}


@dataclass(frozen=True)
class Verdict:
    """Effect on the world plus, separately, whether a person must sit at a terminal."""

    effect: Effect
    reason: str
    interactive: str | None = None

    @property
    def cls(self) -> str:
        """The one class shown to responders: destructive outranks interactive outranks the rest."""
        if self.effect == "destructive":
            return "destructive"
        if self.interactive:
            return "interactive"
        return self.effect

    def explain(self) -> str:
        """The reason for the class, naming both sides when a terminal is needed too."""
        if self.effect == "destructive":
            return self.reason + (f"; also {self.interactive}" if self.interactive else "")
        if self.interactive:
            return f"{self.interactive}; otherwise {self.effect}: {self.reason}"
        return self.reason


def read_only(reason: str) -> Verdict:
    return Verdict("read-only", reason)


def mutating(reason: str) -> Verdict:
    return Verdict("mutating", reason)


def destructive(reason: str) -> Verdict:
    return Verdict("destructive", reason)


def needs_terminal(base: Verdict, why: str) -> Verdict:
    """`base` that also needs an interactive terminal for `why`."""
    return Verdict(base.effect, base.reason, base.interactive or why)


def combine(verdicts: Iterable[Verdict], empty: str = "no command to run") -> Verdict:
    """The strongest effect wins (its reason kept); the first terminal need is kept."""
    items = list(verdicts)
    if not items:
        return read_only(empty)
    strongest = max(items, key=lambda v: RANK[v.effect])
    interactive = next((v.interactive for v in items if v.interactive), None)
    return Verdict(strongest.effect, strongest.reason, interactive)


@dataclass
class Call:
    """A command as a tool handler sees it: name, arguments, stdin fed by a heredoc."""

    name: str
    argv: list[str]
    stdin_text: str | None = None
    quoted: list[str] = field(default_factory=list)

    def has(self, *flags: str) -> bool:
        """True if any of `flags` is present (also as `--flag=value` or inside `-abc` clusters)."""
        for arg in self.argv:
            if arg == "--":
                return False
            for flag in flags:
                if arg == flag or (flag.startswith("--") and arg.startswith(flag + "=")):
                    return True
                if len(flag) == 2 and flag[0] == "-" and flag[1] != "-" and arg.startswith("-") \
                        and not arg.startswith("--") and flag[1] in arg[1:] and arg[1:].isalpha():
                    return True
        return False

    def value(self, *flags: str) -> str | None:
        """The value given to one of `flags` (`-X POST`, `--request=POST`, `-XPOST`)."""
        for index, arg in enumerate(self.argv):
            for flag in flags:
                if arg == flag and index + 1 < len(self.argv):
                    return self.argv[index + 1]
                if flag.startswith("--") and arg.startswith(flag + "="):
                    return arg[len(flag) + 1:]
                if len(flag) == 2 and arg.startswith(flag) and len(arg) > 2 and not arg.startswith("--"):
                    return arg[2:]
        return None


class Context(Protocol):
    """What a tool handler may ask of the analyser: the verdict on a nested command or script."""

    def argv(self, argv: list[str], stdin_text: str | None = None) -> Verdict: ...

    def script(self, text: str) -> Verdict: ...

    def sql(self, text: str) -> Verdict: ...

    def redis(self, argv: list[str]) -> Verdict: ...


def positionals(argv: list[str], takes_value: frozenset[str]) -> list[str]:
    """Arguments that are not options or option values, in order (stops at `--`)."""
    out: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg == "--":
            break
        if arg.startswith("-") and len(arg) > 1:
            if "=" not in arg and arg in takes_value:
                skip = True
            continue
        out.append(arg)
    return out


def after_double_dash(argv: list[str]) -> list[str]:
    """The arguments after `--` (the command run inside a container or pod)."""
    return argv[argv.index("--") + 1:] if "--" in argv else []
