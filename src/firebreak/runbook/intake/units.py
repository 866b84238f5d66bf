"""Command units: split a fenced block (or inline code) into whole commands, each with its language.

A unit keeps line continuations, heredocs and multi-line quotes whole. Shell prompts (`$ `,
`host$ `, `db=# `, `127.0.0.1:6379> `) mark commands and leave the lines after them as output.
SQL typed into a shell block, Redis REPL commands and chat slash commands become their own units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from firebreak.runbook.commands.analyse import KNOWN_TOOLS
from firebreak.runbook.commands.redis import KNOWN as REDIS_COMMANDS
from firebreak.runbook.commands.shell import HEREDOC_START, analyse, is_complete, mask_angles

SHELL_INFOS = frozenset({"bash", "sh", "shell", "console", "zsh", "shell-session", "shellsession", "terminal",
                         "ksh", "session", "bash-session", "sh-session", "fish", "cmd"})
SQL_INFOS = frozenset({"sql", "psql", "postgresql", "postgres", "pgsql", "plpgsql", "mysql"})
UNTAGGED_INFOS = frozenset({"", "text", "txt", "plain", "plaintext", "output", "none", "log", "code"})
SHELL_PROMPT = re.compile(r"^\s*(?:\[[^\]\n]{1,60}\]|[\w.@~:/-]{0,60})\$\s+(?=\S)")
PSQL_PROMPT = re.compile(r"^\s*[A-Za-z_][\w-]{0,62}[=\-(]#\s*(?=\S)")
REDIS_PROMPT = re.compile(r"^\s*(?:[\w.-]+:\d+(?:\[\d+\])?|redis)>\s*(?=\S)")
SECONDARY_PROMPT = re.compile(r"^\s*>\s")
SQL_START = re.compile(r"^(SELECT|WITH|SHOW|ALTER|UPDATE|DELETE|INSERT|CREATE|DROP|TRUNCATE|VACUUM|ANALYZE|"
                       r"GRANT|REVOKE|EXPLAIN|COPY|REINDEX|BEGIN|COMMIT|ROLLBACK|LOCK|CLUSTER|CHECKPOINT)\b")
CHAT_COMMAND = re.compile(r"^/[a-z][\w-]*(\s|$)")
BULLET = re.compile(r"^[-*+]\s+\S")
COMMAND_NAME = re.compile(r"[\w./~+@-]+|\$\{?\w+\}?|\[|\[\[")
ARGUMENT_LIKE = re.compile(r"[-/.=$<:@*0-9]")
MAX_STATEMENT_LINES = 60


@dataclass(frozen=True)
class Unit:
    """One command as written, its language, first line in the file and the comment above it."""

    text: str
    language: str
    line: int
    comment: str = ""
    fence: str = ""


def fence_kind(info: str) -> str:
    """shell, sql, untagged, command (the info string is itself a command) or other."""
    word = info.split()[0].lower() if info.split() else ""
    if word in SHELL_INFOS:
        return "shell"
    if word in SQL_INFOS:
        return "sql"
    if word in UNTAGGED_INFOS:
        return "untagged"
    if " " in info and _starts_with_tool(info):
        return "command"
    return "other"


def _first_tool(text: str) -> str | None:
    parsed = analyse(mask_angles(text))
    if parsed.has_error or not parsed.commands:
        return None
    first = parsed.commands[0]
    return first.name.rsplit("/", 1)[-1]


def _starts_with_tool(text: str) -> bool:
    tool = _first_tool(text)
    return tool is not None and (tool in KNOWN_TOOLS or tool.startswith("kafka-"))


def plausible(text: str) -> bool:
    """False for log and output lines that happen to parse as shell (`update.go:26] …`, `6 13:11 GMT`)."""
    parsed = analyse(mask_angles(text))
    if parsed.has_error:
        return False
    if not parsed.commands:
        return bool(parsed.assignments)
    name = parsed.commands[0].name
    return bool(COMMAND_NAME.fullmatch(name)) and any(c.isalpha() for c in name)


def inline_unit(code: str, line: int, context: str = "") -> Unit | None:
    """A command written as inline code in prose (`kubectl -n $NAMESPACE get pod $POD`), if it is one."""
    text = code.strip()
    words = text.split()
    if len(words) < 2 or "\n" in text or text.startswith("\\"):
        return None
    if len(words) == 2 and not ARGUMENT_LIKE.search(words[1]):
        return None
    parsed = analyse(mask_angles(text))
    if parsed.has_error or not parsed.commands:
        return None
    first = parsed.commands[0]
    name = first.name.rsplit("/", 1)[-1]
    if name not in KNOWN_TOOLS or not first.args or name in ("set", "type", "export", "test", "[", "exit"):
        return None
    return Unit(text=text, language="bash", line=line, comment=context, fence="inline")


def block_units(info: str, content: str, fence_line: int) -> list[Unit]:
    """The command units of a fenced block whose opening fence is on `fence_line`."""
    kind = fence_kind(info)
    first = fence_line + 1
    lines = content.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if kind == "sql":
        return _sql_block(lines, first, info)
    if kind == "command":
        units = [Unit(text=info.strip(), language="bash", line=fence_line, fence="")]
        return units + _shell_block(lines, first, "", strict=True)
    if kind in ("shell", "untagged"):
        tag = info.split()[0] if info.split() else ""
        # A console block without prompts shows output or logs; only lines naming a known tool count.
        return _shell_block(lines, first, tag, strict=kind == "untagged" or tag.lower() == "console")
    return []


def _sql_block(lines: list[str], first: int, info: str) -> list[Unit]:
    prompted = any(PSQL_PROMPT.match(line) for line in lines)
    units: list[Unit] = []
    comments: list[str] = []
    buffer: list[str] = []
    start = 0

    def flush() -> None:
        nonlocal buffer
        text = "\n".join(buffer).strip()
        if text:
            units.append(Unit(text=text, language="sql", line=first + start, comment=" ".join(comments),
                              fence=info))
            comments.clear()
        buffer = []

    for index, raw in enumerate(lines):
        line = raw.rstrip()
        stripped = line.strip()
        if prompted:
            match = PSQL_PROMPT.match(line)
            if match:
                if buffer:
                    flush()
                line = line[match.end():]
                stripped = line.strip()
            elif not buffer:
                continue
        if not buffer:
            if not stripped:
                continue
            if stripped.startswith("--"):
                comments.append(stripped.lstrip("-").strip())
                continue
            start = index
        if stripped.startswith("\\"):
            buffer.append(stripped)
            flush()
            continue
        if not stripped:
            flush()
            continue
        buffer.append(line)
        if _ends_statement(stripped):
            flush()
    flush()
    return units


def _ends_statement(line: str) -> bool:
    code = re.sub(r"'(?:[^']|'')*'", "''", line)
    code = code.split("--", 1)[0].rstrip()
    return code.endswith(";") or bool(re.search(r"\\(g|gx|watch)\b", code))


def _shell_block(lines: list[str], first: int, info: str, *, strict: bool) -> list[Unit]:
    prompted = any(SHELL_PROMPT.match(line) or PSQL_PROMPT.match(line) or REDIS_PROMPT.match(line)
                   for line in lines)
    units: list[Unit] = []
    comments: list[str] = []
    index = 0
    after_comment = False
    while index < len(lines):
        raw = lines[index].rstrip()
        line = raw
        stripped = line.strip()
        prompt_kind = ""
        if prompted:
            for kind, pattern in (("shell", SHELL_PROMPT), ("sql", PSQL_PROMPT), ("redis", REDIS_PROMPT)):
                match = pattern.match(line)
                if match:
                    prompt_kind = kind
                    line = line[match.end():]
                    stripped = line.strip()
                    break
            if not prompt_kind:
                index += 1
                continue
        if not stripped:
            comments.clear()
            after_comment = False
            index += 1
            continue
        if stripped.startswith("#") and prompt_kind in ("", "shell"):
            if not after_comment:
                comments.clear()
            if not stripped.startswith("#!"):
                comments.append(stripped.lstrip("#").strip())
            after_comment = True
            index += 1
            continue
        after_comment = False
        comment = " ".join(comments)
        if prompt_kind == "sql" and stripped.startswith("\\"):
            units.append(Unit(stripped, "sql", first + index, comment, info))
        elif prompt_kind == "sql" or (not prompt_kind and SQL_START.match(stripped)
                                    and not re.fullmatch(r"SELECT\s+\d+", stripped)):
            end = _sql_end(lines, index, prompted)
            text = "\n".join([line] + [lines[i].rstrip() for i in range(index + 1, end)]).strip()
            if not strict or _ends_statement(text.splitlines()[-1].strip()) or prompt_kind == "sql":
                units.append(Unit(text, "sql", first + index, comment, info))
            index = end
            continue
        elif prompt_kind == "redis" or (not prompt_kind and _is_redis_line(stripped)) or CHAT_COMMAND.match(stripped):
            units.append(Unit(stripped, "plain", first + index, comment, info))
        elif BULLET.match(stripped) and not _starts_with_tool(stripped):
            index += 1
            continue
        else:
            end, text = _statement(lines, index, line, prompted)
            if plausible(text) and (not strict or prompt_kind == "shell" or _starts_with_tool(text)):
                units.append(Unit(text, "bash", first + index, comment, info))
            index = end
            continue
        index += 1
    return units


def _is_redis_line(stripped: str) -> bool:
    word = stripped.split()[0]
    return word.isupper() and word.lower() in REDIS_COMMANDS and word.lower() not in KNOWN_TOOLS


def _sql_end(lines: list[str], index: int, prompted: bool) -> int:
    end = index
    while end < len(lines):
        stripped = lines[end].strip()
        if end > index and (not stripped or stripped.startswith("#") or
                            (prompted and (SHELL_PROMPT.match(lines[end]) or PSQL_PROMPT.match(lines[end])))):
            return end
        if _ends_statement(stripped):
            return end + 1
        end += 1
    return end


def _statement(lines: list[str], index: int, head: str, prompted: bool) -> tuple[int, str]:
    """Take one whole shell statement starting at `index`; returns the next index and the text."""
    chunk = [head.rstrip()]
    end = index + 1
    delimiters = [(m.group(3), m.group(1) == "-") for m in HEREDOC_START.finditer(head)]

    def follow() -> None:
        nonlocal end
        while delimiters and end < len(lines):
            name, dash = delimiters[0]
            line = lines[end].rstrip()
            chunk.append(line)
            end += 1
            if (line.strip() if dash else line) == name:
                delimiters.pop(0)

    follow()
    while end < len(lines) and re.search(r"(\\|\||&&|\|\|)\s*$", chunk[-1]):
        line = lines[end].rstrip()
        if prompted:
            line = SECONDARY_PROMPT.sub("", line, count=1)
        chunk.append(line)
        end += 1
        delimiters.extend((m.group(3), m.group(1) == "-") for m in HEREDOC_START.finditer(line))
        follow()
    text = "\n".join(chunk)
    if is_complete(mask_angles(text)):
        return end, text
    grown = list(chunk)
    probe = end
    while probe < len(lines) and probe - index < MAX_STATEMENT_LINES:
        line = lines[probe]
        if prompted and SHELL_PROMPT.match(line):
            break
        grown.append(line.rstrip())
        probe += 1
        candidate = "\n".join(grown)
        if is_complete(mask_angles(candidate)):
            return probe, candidate
    return end, text
