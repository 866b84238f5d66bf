"""Execute: a value inside an awk program goes in as data, through `-v NAME=VALUE` (pure).

The program is read token by token (strings, regex literals, names, comments). Each placeholder
sentinel is replaced by a reference to an awk variable the caller assigns with `-v`:

    "…<x>…"     → ("…" fb_x "…")               string concatenation
    /…<x>…/     → ($0 ~ ("…" fb_x "…"))        a dynamic regex (or just the regex after `~`,
                                                and as the regex argument of match/sub/gsub/split)
    <x> as a whole token in code → (fb_x)       e.g. `NR > <n>`, `$<column>`

so the value itself never becomes program text. A sentinel glued to other name characters, after
a backslash, or in a comment is refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from firebreak.runbook.execute.shell_words import SENTINEL

NAME = re.compile(r"[A-Za-z0-9_]+")
REGEX_FUNCTIONS = frozenset({"match", "sub", "gsub", "gensub", "split", "patsplit"})
# After these a `/` starts a regex; after an operand (name, number, `)`, `]`, `$`-less) it divides.
OPERAND_END = frozenset(")]")
KEYWORDS = frozenset({"print", "printf", "return", "in", "case", "getline", "if", "while", "for", "do",
                      "else", "delete", "exit", "next", "nextfile", "BEGIN", "END", "function", "func"})


@dataclass
class AwkRewrite:
    """The program with values replaced by variables; the `-v` assignments to add; refusals."""

    program: str
    assignments: list[tuple[str, int]] = field(default_factory=list)
    problems: dict[int, str] = field(default_factory=dict)


def regex_as_string(body: str) -> str:
    """The text of a regex literal's body as an awk string literal's body meaning the same regex."""
    out: list[str] = []
    i = 0
    while i < len(body):
        char = body[i]
        if char == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            out.append("/" if nxt == "/" else "\\\\" + ('\\"' if nxt == '"' else nxt))
            i += 2
            continue
        out.append('\\"' if char == '"' else char)
        i += 1
    return "".join(out)


def concatenation(parts: list[str], sentinels: list[int], variable: Callable[[int], str], *,
                  regex: bool) -> str:
    """`("a" v "b")` from the literal parts around each sentinel."""
    pieces: list[str] = []
    for index, part in enumerate(parts):
        if part:
            pieces.append('"' + (regex_as_string(part) if regex else part) + '"')
        if index < len(sentinels):
            pieces.append(variable(sentinels[index]))
    return "(" + " ".join(pieces) + ")"


def rewrite_awk(program: str, variable: Callable[[int], str]) -> AwkRewrite:
    """Replace every sentinel in `program` by a variable reference (see the module docstring)."""
    out: list[str] = []
    result = AwkRewrite(program="")
    s = program
    i = 0
    operand = False  # True when the last token ends an operand (then `/` divides)
    calls: list[str] = []  # per open parenthesis: the function it calls ("" when none)
    last = ""  # the last significant character written

    def use(sid: int) -> str:
        name = variable(sid)
        result.assignments.append((name, sid))
        return name

    while i < len(s):
        char = s[i]
        if char in " \t\r":
            out.append(char)
            i += 1
            continue
        if char == "\\" and s.startswith("\\\n", i):
            out.append("\\\n")
            i += 2
            continue
        if char == "#":
            end = s.find("\n", i)
            end = len(s) if end < 0 else end
            for match in SENTINEL.finditer(s, i, end):
                result.problems.setdefault(int(match.group(1)), "in a comment of an awk program")
            out.append(s[i:end])
            i = end
            continue
        if char == '"' or (char == "/" and not operand):
            end, parts, sentinels, escaped = _literal(s, i, char)
            for sid in escaped:
                result.problems.setdefault(sid, "right after a backslash in an awk program")
            if not sentinels:
                out.append(s[i:end])
            elif char == '"':
                out.append(concatenation(parts, sentinels, use, regex=False))
            else:
                regex = concatenation(parts, sentinels, use, regex=True)
                in_call = bool(calls) and calls[-1] in REGEX_FUNCTIONS and last in "(,"
                out.append(regex if last == "~" or in_call else f"($0 ~ {regex})")
            i = end
            operand, last = True, s[end - 1]
            continue
        named = NAME.match(s, i)
        if named:
            token = named.group(0)
            found = list(SENTINEL.finditer(token))
            if found and SENTINEL.fullmatch(token):
                out.append(f"({use(int(found[0].group(1)))})")
            elif found:
                for item in found:
                    result.problems.setdefault(int(item.group(1)), "joined to other characters of an awk name")
                out.append(token)
            else:
                out.append(token)
            i = named.end()
            following = s[i:i + 1]
            if following == "(":
                calls.append(token)
                out.append("(")
                i += 1
                operand, last = False, "("
                continue
            operand, last = token not in KEYWORDS, token[-1]
            continue
        if char == "(":
            calls.append("")
        elif char == ")" and calls:
            calls.pop()
        out.append(char)
        i += 1
        operand = char in OPERAND_END
        last = char
    result.program = "".join(out)
    return result


def _literal(s: str, start: int, quote: str) -> tuple[int, list[str], list[int], list[int]]:
    """A string or regex literal at `start`: its end, the text between sentinels, the sentinels."""
    parts: list[str] = []
    sentinels: list[int] = []
    escaped: list[int] = []
    current: list[str] = []
    i = start + 1
    bracket = False
    while i < len(s):
        match = SENTINEL.match(s, i)
        if match:
            parts.append("".join(current))
            current = []
            sentinels.append(int(match.group(1)))
            i = match.end()
            continue
        char = s[i]
        if char == "\\" and i + 1 < len(s):
            after = SENTINEL.match(s, i + 1)
            if after:
                escaped.append(int(after.group(1)))
            current.append(s[i:i + 2])
            i += 2
            continue
        if quote == "/" and char == "[":
            bracket = True
        elif quote == "/" and char == "]":
            bracket = False
        if char == quote and not bracket:
            parts.append("".join(current))
            return i + 1, parts, sentinels, escaped
        if char == "\n":
            break
        current.append(char)
        i += 1
    parts.append("".join(current))
    return i, parts, sentinels, escaped
