"""Execute: where each placeholder sits inside SQL (code, a string, an identifier, a comment …).

Reads PostgreSQL's lexical rules — `'…'` with doubled quotes, `E'…'` with backslash escapes,
`"…"` identifiers, `--` and nested `/* */` comments, `$tag$…$tag$` strings — and reports the
context of each sentinel, or refuses contexts whose escaping rules are not handled (`U&'…'`).
"""

from __future__ import annotations

import re

from firebreak.runbook.execute.shell_words import SENTINEL

DOLLAR_TAG = re.compile(r"\$(?:[A-Za-z_\x80-\uffff][A-Za-z0-9_\x80-\uffff]*)?\$")
IDENT_CHAR = re.compile(r"[A-Za-z0-9_$]")


def scan_sql(text: str) -> tuple[dict[int, str], dict[int, str]]:
    """Contexts (`code`, `string`, `estring`, `ident`, `comment`, `dollar:TAG`) and problems by sentinel."""
    contexts: dict[int, str] = {}
    problems: dict[int, str] = {}
    i = 0
    n = len(text)

    def note(chunk: str, context: str) -> None:
        for match in SENTINEL.finditer(chunk):
            contexts.setdefault(int(match.group(1)), context)

    def quoted(start: int, quote: str, backslash: bool) -> int:
        """Index after the closing quote of a string starting after `start`."""
        j = start
        while j < n:
            char = text[j]
            if backslash and char == "\\":
                j += 2
                continue
            if char == quote:
                if j + 1 < n and text[j + 1] == quote:
                    j += 2
                    continue
                return j + 1
            j += 1
        return n

    while i < n:
        match = SENTINEL.match(text, i)
        if match:
            note(match.group(0), "code")
            i = match.end()
            continue
        char = text[i]
        prev = text[i - 1] if i else " "
        if char == "'" :
            end = quoted(i + 1, "'", backslash=False)
            note(text[i:end], "string")
            i = end
        elif char in "eE" and text[i + 1:i + 2] == "'" and not IDENT_CHAR.match(prev):
            end = quoted(i + 2, "'", backslash=True)
            note(text[i:end], "estring")
            i = end
        elif char in "uU" and text[i + 1:i + 3] == "&'" and not IDENT_CHAR.match(prev):
            end = quoted(i + 3, "'", backslash=False)
            for found in SENTINEL.finditer(text[i:end]):
                problems.setdefault(int(found.group(1)), "inside a U&'…' string")
            i = end
        elif char == '"':
            end = quoted(i + 1, '"', backslash=False)
            note(text[i:end], "ident")
            i = end
        elif text.startswith("--", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            note(text[i:end], "comment")
            i = end
        elif text.startswith("/*", i):
            depth = 0
            j = i
            while j < n:
                if text.startswith("/*", j):
                    depth += 1
                    j += 2
                elif text.startswith("*/", j):
                    depth -= 1
                    j += 2
                    if depth == 0:
                        break
                else:
                    j += 1
            note(text[i:j], "comment")
            i = j
        elif char == "$" and not IDENT_CHAR.match(prev) and (tag := DOLLAR_TAG.match(text, i)):
            body_start = tag.end()
            close = text.find(tag.group(0), body_start)
            end = n if close < 0 else close + len(tag.group(0))
            note(text[body_start:end], "dollar:" + tag.group(0))
            i = end
        else:
            i += 1
    for key in problems:
        contexts.pop(key, None)
    return contexts, problems
