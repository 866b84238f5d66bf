"""Execute: a value inside the Lua script of `redis-cli EVAL` goes in as an argument, `ARGV[n]` (pure).

The script is read as Lua (strings with escapes, long brackets, `--` comments, names). Each
placeholder sentinel becomes `ARGV[n]`, and the caller appends the value to the command after the
existing arguments, so Redis hands it to the script as data:

    '…<x>…'  → ('…' .. ARGV[n] .. '…')      [[…<x>…]] → ([[…]] .. ARGV[n] .. [[…]])
    <x> as a whole token in code → ARGV[n]   (a string; `tonumber(ARGV[n])` is the script's choice)

A sentinel glued to a name, after a backslash or in a comment is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from firebreak.runbook.execute.shell_words import SENTINEL

NAME = re.compile(r"[A-Za-z0-9_]+")
LONG_OPEN = re.compile(r"\[(=*)\[")


@dataclass
class LuaRewrite:
    """The script with values replaced by `ARGV[n]`; the sentinels to append, in order; refusals."""

    script: str
    arguments: list[int] = field(default_factory=list)
    problems: dict[int, str] = field(default_factory=dict)


def rewrite_lua(script: str, first_index: int) -> LuaRewrite:
    """Replace each sentinel with `ARGV[first_index]`, `ARGV[first_index + 1]` … (module docstring)."""
    result = LuaRewrite(script="")
    out: list[str] = []
    s = script
    i = 0

    def argv(sid: int) -> str:
        result.arguments.append(sid)
        return f"ARGV[{first_index + len(result.arguments) - 1}]"

    def joined(parts: list[str], sentinels: list[int], open_: str, close: str) -> str:
        pieces: list[str] = []
        for index, part in enumerate(parts):
            if part:
                pieces.append(open_ + part + close)
            if index < len(sentinels):
                pieces.append(argv(sentinels[index]))
        return pieces[0] if len(pieces) == 1 else "(" + " .. ".join(pieces) + ")"

    while i < len(s):
        char = s[i]
        if s.startswith("--", i):
            long = LONG_OPEN.match(s, i + 2)
            if long:
                close_at = s.find("]" + long.group(1) + "]", long.end())
                end = len(s) if close_at < 0 else close_at + len(long.group(1)) + 2
            else:
                newline = s.find("\n", i)
                end = len(s) if newline < 0 else newline
            for match in SENTINEL.finditer(s, i, end):
                result.problems.setdefault(int(match.group(1)), "in a comment of a Lua script")
            out.append(s[i:end])
            i = end
            continue
        long = LONG_OPEN.match(s, i)
        if char in "'\"" or long:
            if long:
                close = "]" + long.group(1) + "]"
                start = long.end()
                stop = s.find(close, start)
                stop = len(s) if stop < 0 else stop
                body, end, open_ = s[start:stop], min(len(s), stop + len(close)), long.group(0)
            else:
                body, end = _quoted(s, i + 1, char)
                open_ = close = char
            parts: list[str] = []
            sentinels: list[int] = []
            last = 0
            for match in SENTINEL.finditer(body):
                before = body[last:match.start()]
                if not long and (len(before) - len(before.rstrip("\\"))) % 2:
                    result.problems.setdefault(int(match.group(1)), "right after a backslash in a Lua string")
                parts.append(before)
                sentinels.append(int(match.group(1)))
                last = match.end()
            parts.append(body[last:])
            out.append(joined(parts, sentinels, open_, close) if sentinels else s[i:end])
            i = end
            continue
        named = NAME.match(s, i)
        if named:
            token = named.group(0)
            found = list(SENTINEL.finditer(token))
            if found and SENTINEL.fullmatch(token):
                out.append(argv(int(found[0].group(1))))
            else:
                for item in found:
                    result.problems.setdefault(int(item.group(1)), "joined to other characters of a Lua name")
                out.append(token)
            i = named.end()
            continue
        out.append(char)
        i += 1
    result.script = "".join(out)
    return result


def _quoted(s: str, start: int, quote: str) -> tuple[str, int]:
    """The body of a quoted string starting after its quote, and the index after the closing quote."""
    i = start
    while i < len(s):
        if s[i] == "\\":
            i += 2
            continue
        if s[i] == quote or s[i] == "\n":
            return s[start:i], i + 1
        i += 1
    return s[start:], len(s)
