"""Command analysis: a sed script's commands (what it changes) and where placeholders sit in it (pure).

The classifier asks which commands change the world: `e` and the `e` flag of `s` run a shell
command, `w`/`W` and the `w` flag write files. Execution asks where each placeholder sentinel sits:

sed has no variables, so a value can only be spliced into the script; that is safe in exactly two
places, a regex (an address `/…/`, `\\c…c` or the left side of `s`) and the replacement of `s`,
where the value is escaped so it matches or inserts itself literally (quoting: `sed:bre:/`,
`sed:ere:/`, `sed:repl:/`). Anywhere else — a command letter, `e` (runs a command), `w`/`r` file
names, `a`/`i`/`c` text, labels, flags, `y`, a bracket expression or right after a backslash —
the value would be read as sed code, and the placeholder is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

NOTHING = re.compile(r"(?!)")

NO_ARGUMENT = frozenset("=dDgGhHlnNpPxzF")
OPTIONAL_NUMBER = frozenset("qQlL")
TO_END_OF_LINE = {"a": "`a` text", "i": "`i` text", "c": "`c` text", "r": "an `r` file name",
                  "R": "an `R` file name", "w": "a `w` file name", "W": "a `W` file name",
                  "e": "an `e` command, which sed runs in a shell", ":": "a label", "b": "a label",
                  "t": "a label", "T": "a label", "v": "a `v` version", "#": "a comment"}


EFFECTS = {"e": "sed's `e` command runs a shell command", "w": "sed's `w` command writes a file",
           "W": "sed's `W` command writes a file"}


@dataclass
class SedScript:
    """Per sentinel its quoting layer (`sed:bre:/` …) or why it is refused; what the script changes."""

    layers: dict[int, str] = field(default_factory=dict)
    problems: dict[int, str] = field(default_factory=dict)
    effects: list[str] = field(default_factory=list)


def read_sed(script: str, *, extended: bool = False, marker: re.Pattern[str] = NOTHING) -> SedScript:
    """Read a sed script; `marker` matches placeholder sentinels (`FBPH0Q`) and captures their number."""
    return _Reader(script, "ere" if extended else "bre", marker).read()


class _Reader:
    def __init__(self, text: str, dialect: str, marker: re.Pattern[str]) -> None:
        self.s = text
        self.i = 0
        self.dialect = dialect
        self.marker = marker
        self.layers: dict[int, str] = {}
        self.problems: dict[int, str] = {}
        self.effects: list[str] = []

    def refuse(self, start: int, end: int, why: str) -> None:
        for match in self.marker.finditer(self.s, start, end):
            self.problems.setdefault(int(match.group(1)), f"in {why} of a sed script, where sed reads it as code")

    def read(self) -> SedScript:
        s = self.s
        while self.i < len(s):
            char = s[self.i]
            if char in " \t\n;{}!":
                self.i += 1
                continue
            if not self.address():
                break
            while self.i < len(s) and s[self.i] in " \t":
                self.i += 1
            if self.i < len(s) and s[self.i] == ",":
                self.i += 1
                if not self.address():
                    break
            while self.i < len(s) and s[self.i] in " \t!":
                self.i += 1
            if self.i >= len(s):
                break
            if not self.command():
                break
        for key in self.problems:
            self.layers.pop(key, None)
        return SedScript(self.layers, self.problems, self.effects)

    def address(self) -> bool:
        """An optional address; False when the rest of the script cannot be read (all of it refused)."""
        s = self.s
        start = self.i
        char = s[self.i] if self.i < len(s) else ""
        if char == "/" or (char == "\\" and self.i + 1 < len(s)):
            delimiter = "/" if char == "/" else s[self.i + 1]
            self.i += 1 if char == "/" else 2
            if not self.regex(delimiter):
                return False
            while self.i < len(s) and s[self.i] in "IM":
                self.i += 1
            return True
        while self.i < len(s) and (s[self.i].isdigit() or s[self.i] in "$~+"):
            self.i += 1
        if self.marker.match(s, self.i):
            self.refuse(self.i, len(s), "an address")
            return False
        return self.i >= start

    def regex(self, delimiter: str) -> bool:
        """A regex up to `delimiter`; sentinels in it get the regex layer, or are refused."""
        s = self.s
        bracket = False
        while self.i < len(s):
            match = self.marker.match(s, self.i)
            if match:
                sid = int(match.group(1))
                if bracket:
                    self.problems.setdefault(sid, "inside a bracket expression [...] of a sed regex")
                else:
                    self.layers.setdefault(sid, f"sed:{self.dialect}:{delimiter}")
                self.i = match.end()
                continue
            char = s[self.i]
            if char == "\\":
                after = self.marker.match(s, self.i + 1)
                if after:
                    self.problems.setdefault(int(after.group(1)), "right after a backslash in a sed regex")
                    self.i = after.end()
                    continue
                self.i += 2
                continue
            if char == delimiter and not bracket:
                self.i += 1
                return True
            if char == "\n":
                self.refuse(self.i, len(s), "an unterminated regex")
                return False
            if char == "[" and not bracket:
                bracket = True
                if s.startswith("[^]", self.i) or s.startswith("[]", self.i):
                    self.i += 3 if s[self.i + 1] == "^" else 2
                    continue
            elif char == "]" and bracket:
                bracket = False
            self.i += 1
        return False

    def replacement(self, delimiter: str) -> bool:
        s = self.s
        while self.i < len(s):
            match = self.marker.match(s, self.i)
            if match:
                self.layers.setdefault(int(match.group(1)), f"sed:repl:{delimiter}")
                self.i = match.end()
                continue
            char = s[self.i]
            if char == "\\":
                after = self.marker.match(s, self.i + 1)
                if after:
                    self.problems.setdefault(int(after.group(1)), "right after a backslash in a sed replacement")
                    self.i = after.end()
                    continue
                self.i += 2
                continue
            self.i += 1
            if char == delimiter:
                return True
        return False

    def command(self) -> bool:
        s = self.s
        char = s[self.i]
        start = self.i
        if self.marker.match(s, self.i):
            self.refuse(self.i, len(s), "a command")
            return False
        self.i += 1
        if char in NO_ARGUMENT:
            return True
        if char in OPTIONAL_NUMBER:
            while self.i < len(s) and s[self.i] in " \t0123456789":
                self.i += 1
            return True
        if char in EFFECTS:
            self.effects.append(EFFECTS[char])
        if char in TO_END_OF_LINE:
            end = s.find("\n", self.i)
            end = len(s) if end < 0 else end
            if char in ":btTv":
                semi = s.find(";", self.i, end)
                end = end if semi < 0 or char == ":" else semi
            self.refuse(self.i, end, TO_END_OF_LINE[char])
            self.i = end
            return True
        if char == "s" and self.i < len(s):
            delimiter = s[self.i]
            self.i += 1
            if not (self.regex(delimiter) and self.replacement(delimiter)):
                self.refuse(start, len(s), "an unterminated `s` command")
                return False
            flags = self.i
            while self.i < len(s) and s[self.i] not in ";\n}":
                self.i += 1
            self.refuse(flags, self.i, "the flags of `s` (`e` runs a command, `w` writes a file)")
            written = s[flags:self.i]
            if "e" in written.split("w", 1)[0]:
                self.effects.append("the `e` flag of sed's `s` runs the result as a shell command")
            if "w" in written:
                self.effects.append("the `w` flag of sed's `s` writes a file")
            return True
        if char == "y":
            end = s.find("\n", self.i)
            end = len(s) if end < 0 else end
            self.refuse(self.i, end, "`y`")
            self.i = end
            return True
        self.refuse(start, len(s), f"an unknown command {char!r}")
        return False
