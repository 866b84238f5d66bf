"""Execute: a value inside a jq filter goes in as data, through `--arg NAME VALUE` (pure).

The filter is read as jq does (strings with `\\(…)` interpolation, comments, names). Each
placeholder sentinel becomes a reference to `$NAME`, which the caller binds with `--arg`:

    "…<x>…"          → "…\\($fb_x)…"     string interpolation (a string value is inserted as is)
    .<x> / .a.<x>    → .[$fb_x] / .a[$fb_x]   a field named by the value
    <x> as a whole token in code → $fb_x     the value as a string

A sentinel glued to other name characters, after `$` or `@`, after a backslash or in a comment is
refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from firebreak.runbook.execute.shell_words import SENTINEL

NAME = re.compile(r"[A-Za-z0-9_]+")


@dataclass
class JqRewrite:
    """The filter with values replaced by `$NAME`; the `--arg` bindings to add; refusals."""

    program: str
    bindings: list[tuple[str, int]] = field(default_factory=list)
    problems: dict[int, str] = field(default_factory=dict)


def rewrite_jq(program: str, variable: Callable[[int], str]) -> JqRewrite:
    """Replace every sentinel in `program` by a `$NAME` reference (see the module docstring)."""
    reader = _Reader(program, variable)
    text, _ = reader.code(0, closer=None)
    reader.result.program = text
    return reader.result


class _Reader:
    def __init__(self, text: str, variable: Callable[[int], str]) -> None:
        self.s = text
        self.variable = variable
        self.result = JqRewrite(program="")

    def use(self, sid: int) -> str:
        name = self.variable(sid)
        self.result.bindings.append((name, sid))
        return "$" + name

    def refuse(self, sid: int, why: str) -> None:
        self.result.problems.setdefault(sid, why)

    def code(self, i: int, closer: str | None) -> tuple[str, int]:
        """Filter text from `i` to the `)` closing an interpolation (or the end); rewritten text, end."""
        s = self.s
        out: list[str] = []
        depth = 0
        while i < len(s):
            char = s[i]
            if closer and char == ")" and depth == 0:
                return "".join(out), i
            if char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
            if char == '"':
                text, i = self.string(i + 1)
                out.append(text)
                continue
            if char == "#":
                end = s.find("\n", i)
                end = len(s) if end < 0 else end
                for match in SENTINEL.finditer(s, i, end):
                    self.refuse(int(match.group(1)), "in a comment of a jq filter")
                out.append(s[i:end])
                i = end
                continue
            named = NAME.match(s, i)
            if named:
                token = named.group(0)
                before = s[i - 1] if i else ""
                found = list(SENTINEL.finditer(token))
                if not found:
                    out.append(token)
                elif not SENTINEL.fullmatch(token) or before in "$@":
                    for item in found:
                        self.refuse(int(item.group(1)), "part of a jq name, variable or format")
                    out.append(token)
                elif before == ".":
                    out.pop()  # the dot: `.x` → `.[$v]`, `.a.x` → `.a[$v]`
                    joined = bool(out) and (out[-1][-1:].isalnum() or out[-1][-1:] in "_]?)\"")
                    out.append(("[" if joined else ".[") + self.use(int(found[0].group(1))) + "]")
                else:
                    out.append(self.use(int(found[0].group(1))))
                i = named.end()
                continue
            out.append(char)
            i += 1
        return "".join(out), i

    def string(self, i: int) -> tuple[str, int]:
        """A string literal whose opening quote is before `i`: rewritten text (with quotes), end."""
        s = self.s
        out: list[str] = ['"']
        while i < len(s):
            match = SENTINEL.match(s, i)
            if match:
                out.append("\\(" + self.use(int(match.group(1))) + ")")
                i = match.end()
                continue
            char = s[i]
            if char == "\\" and s.startswith("\\(", i):
                inner, end = self.code(i + 2, closer=")")
                out.append("\\(" + inner + ")")
                i = end + 1
                continue
            if char == "\\" and i + 1 < len(s):
                after = SENTINEL.match(s, i + 1)
                if after:
                    self.refuse(int(after.group(1)), "right after a backslash in a jq string")
                out.append(s[i:i + 2])
                i += 2
                continue
            out.append(char)
            i += 1
            if char == '"':
                return "".join(out), i
        return "".join(out), i
