"""Placeholders in runbook commands: every form teams write (`<POD_NAME>`, `$VAR`, `POD_NAME` …).

`find_placeholders` returns each placeholder exactly as written, in order of first appearance,
so a caller can replace the literal text; `placeholder_name` gives the bare name to look up.
"""

from __future__ import annotations

import re
from functools import lru_cache

from tree_sitter import Node

from firebreak.runbook.commands.shell import ANGLE, ANGLE_LITERALS, mask_angles, parse, text_of

ELISION = re.compile(r"(?<=[=\s])\.\.\.(?=\s|$)")
DOLLAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}|\$([A-Za-z_][A-Za-z0-9_]*)")
CAPS = re.compile(r"(?<![A-Za-z0-9_$\-])[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+(?![A-Za-z0-9_=(])")
SINGLE = re.compile(r"(?<![A-Za-z0-9$\-])[A-Z]{2,10}(?![A-Za-z0-9=(])")
# Single upper-case words that stand for a value in the seeds' style (`jcmd PID …`, `:PORT`).
PLACEHOLDER_WORDS = frozenset({"PID", "PORT", "HOST", "XXX", "XXXX", "NAMESPACE", "POD", "NODE", "TOKEN",
                               "PASSWORD", "ENDPOINT", "REGION", "CLUSTER", "BUCKET", "DATABASE", "USERNAME",
                               "CONTAINER", "SERVICE", "DEPLOYMENT", "HOSTNAME", "IP"})
# Upper-case words with underscores that are keywords of the tools themselves.
KEYWORDS = frozenset({"CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME", "CURRENT_USER", "SESSION_USER",
                      "LOCAL_TIMESTAMP", "NOT_NULL", "SIGKILL", "SIGTERM", "SIGHUP"})
ENVIRONMENT = frozenset({"PATH", "HOME", "USER", "PWD", "OLDPWD", "SHELL", "HOSTNAME", "TERM", "LANG",
                         "TMPDIR", "RANDOM", "SECONDS", "LINENO", "PPID", "UID", "EUID", "EDITOR", "PAGER",
                         "IFS", "BASH_SOURCE", "OSTYPE"})
UNQUOTED = frozenset({"word", "concatenation", "heredoc_body", "number"})


def placeholder_name(raw: str) -> str:
    """The bare name of a placeholder as written: `<vps-ip>` → `vps-ip`, `${VAR}` → `VAR`."""
    if raw.startswith("<") and raw.endswith(">"):
        return raw[1:-1].strip()
    match = DOLLAR.fullmatch(raw)
    if match:
        return match.group(1) or match.group(2)
    return raw


def _add(found: list[str], raw: str) -> None:
    if raw not in found:
        found.append(raw)


def _angles(text: str) -> list[tuple[int, str]]:
    out = []
    for match in ANGLE.finditer(text):
        if match.group(1).strip().lower() in ANGLE_LITERALS:
            continue
        out.append((match.start(), match.group(0)))
    return out


def caps_words(text: str) -> list[tuple[int, str]]:
    """Bare upper-case placeholders (`POD_NAME`, `PID`) outside `$` expansions, with offsets."""
    blanked = DOLLAR.sub(lambda m: " " * len(m.group(0)), text)
    found = [(m.start(), m.group(0)) for m in CAPS.finditer(blanked)]
    spans = [(start, start + len(word)) for start, word in found]
    for match in SINGLE.finditer(blanked):
        if match.group(0) in PLACEHOLDER_WORDS and not any(a <= match.start() < b for a, b in spans):
            found.append((match.start(), match.group(0)))
    return sorted(found)


def _shell(text: str) -> list[tuple[int, str]]:
    masked = mask_angles(text)
    root = parse(masked)
    assigned = set(re.findall(r"(?:^|[\s;(])([A-Za-z_][A-Za-z0-9_]*)=", masked))
    assigned |= set(re.findall(r"\bfor\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\b", masked))
    assigned |= set(re.findall(r"\bread\s+(?:-\w+\s+)*([A-Za-z_][A-Za-z0-9_]*)", masked))
    hits: list[tuple[int, str]] = []

    def visit(node: Node, method: str | None) -> None:
        kind = node.type
        if kind in ("simple_expansion", "expansion"):
            raw = text_of(node)
            match = DOLLAR.match(raw)
            if match:
                name = match.group(1) or match.group(2)
                if name not in assigned and name not in ENVIRONMENT:
                    hits.append((node.start_byte, raw))
            return
        if kind in ("raw_string", "ansi_c_string", "comment"):
            return
        if kind in UNQUOTED and "__PH_" not in text_of(node):
            for offset, word in caps_words(text_of(node)):
                if word not in KEYWORDS and word not in assigned and word != method:
                    hits.append((node.start_byte + offset, word))
        if kind == "command":
            words = [text_of(c) for c in node.children]
            method = next((words[i + 1] for i, w in enumerate(words[:-1]) if w in ("-X", "--request")), None)
        for child in node.children:
            visit(child, method)

    visit(root, None)
    return hits


@lru_cache(maxsize=8192)
def _find(text: str, language: str) -> tuple[str, ...]:
    hits = _angles(text)
    hits += [(m.start(), "...") for m in ELISION.finditer(text)]
    if language == "bash":
        hits += _shell(text)
    elif language != "sql":
        hits += [(m.start(), m.group(0)) for m in DOLLAR.finditer(text)
                 if (m.group(1) or m.group(2)) not in ENVIRONMENT]
    found: list[str] = []
    for _, raw in sorted(hits, key=lambda item: item[0]):
        _add(found, raw)
    return tuple(found)


def find_placeholders(text: str, language: str = "bash") -> list[str]:
    """Placeholders in a command, as written, in order of first appearance."""
    return list(_find(text, language))
