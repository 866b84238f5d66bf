"""Execute: the lexical half of the shell scanner — the cursor over the text, quotes, `$` expansions,
backticks and here-documents, noting each sentinel's context or refusing it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from firebreak.runbook.execute.shell_words import SENTINEL, ShellScan, SimpleCommand, WordBuilder

NAME_CHAR = re.compile(r"[A-Za-z0-9_]")


@dataclass
class Heredoc:
    """A here-document whose body comes after the current line, and the command it feeds."""

    delimiter: str
    quoted: bool
    strip_tabs: bool
    command: SimpleCommand


class ShellReader:
    """A hand-written reader of bash's quoting rules, enough to place values safely; the command loop
    (`commands`, which `$(…)` re-enters) is the scanner's."""

    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.out = ShellScan()
        self.pending: list[Heredoc] = []
        self.pipeline = 0

    # -- helpers -----------------------------------------------------------------------------------
    def note(self, chunk: str, context: str) -> None:
        for match in SENTINEL.finditer(chunk):
            self.out.contexts.setdefault(int(match.group(1)), context)

    def refuse_in(self, chunk: str, reason: str) -> None:
        for match in SENTINEL.finditer(chunk):
            self.out.refuse(int(match.group(1)), reason)

    def take_sentinel(self, word: WordBuilder, context: str) -> bool:
        """Consume a sentinel at the cursor into `word`, noting its context."""
        match = SENTINEL.match(self.s, self.i)
        if match is None:
            return False
        self.note(match.group(0), context)
        word.add(match.group(0))
        self.i = match.end()
        return True

    def read_until(self, closer: str, *, escapes: bool) -> str:
        """Text up to the next unescaped `closer` (consumed); the rest of the input if none."""
        start = self.i
        while self.i < len(self.s):
            char = self.s[self.i]
            if escapes and char == "\\":
                self.i += 2
                continue
            if char == closer:
                self.i += 1
                return self.s[start:self.i - 1]
            self.i += 1
        self.out.needs_shell = True
        return self.s[start:]

    def read_balanced(self, opener: str, closer: str) -> str:
        """Text up to the `closer` matching an already consumed `opener` (quotes skipped)."""
        start = self.i
        depth = 1
        while self.i < len(self.s):
            char = self.s[self.i]
            if char == "\\":
                self.i += 2
                continue
            if char in "'\"":
                self.i += 1
                self.read_until(char, escapes=char == '"')
                continue
            if self.s.startswith(opener, self.i):
                depth += 1
                self.i += len(opener)
                continue
            if self.s.startswith(closer, self.i):
                depth -= 1
                self.i += len(closer)
                if depth == 0:
                    return self.s[start:self.i - len(closer)]
                continue
            self.i += 1
        return self.s[start:]

    # -- expansions (after `$`) ---------------------------------------------------------------------
    def dollar(self, word: WordBuilder, *, in_double: bool) -> None:
        """Read an expansion starting at `$`; marks the word dynamic."""
        s = self.s
        nxt = s[self.i + 1] if self.i + 1 < len(s) else ""
        if nxt == "'" and not in_double:
            self.i += 2
            body = self.read_until("'", escapes=True)
            self.refuse_in(body, "inside a $'…' string")
            word.add(body, dynamic=True)
        elif s.startswith("$((", self.i):
            self.i += 3
            body = self.read_balanced("((", "))")
            self.refuse_in(body, "inside arithmetic $((…)), which bash evaluates as code")
            word.add(body, dynamic=True)
        elif nxt == "(":
            self.i += 2
            self.commands(closer=")")
            word.add("", dynamic=True)
        elif nxt == "{":
            self.i += 2
            body = self.read_balanced("{", "}")
            self.refuse_in(body, "inside a ${…} expansion")
            word.add(body, dynamic=True)
        elif nxt and (NAME_CHAR.match(nxt) or nxt in "@*#?$!-"):
            self.i += 1
            if NAME_CHAR.match(nxt):
                while self.i < len(s) and NAME_CHAR.match(s[self.i]):
                    self.i += 1
            else:
                self.i += 1
            word.add("", dynamic=True)
        else:
            word.add("$")
            self.i += 1
            return
        self.out.needs_shell = True

    def backtick(self, word: WordBuilder) -> None:
        self.i += 1
        body = self.read_until("`", escapes=True)
        self.refuse_in(body, "inside backticks; write $(…) instead")
        word.add(body, dynamic=True)
        self.out.needs_shell = True

    def double(self, word: WordBuilder) -> None:
        """A double-quoted string; `$`, backticks and some backslashes stay special."""
        self.i += 1
        word.started = True
        s = self.s
        while self.i < len(s):
            if self.take_sentinel(word, "double"):
                continue
            char = s[self.i]
            if char == '"':
                self.i += 1
                return
            if char == "\\":
                nxt = s[self.i + 1] if self.i + 1 < len(s) else ""
                if nxt == "\n":
                    self.i += 2
                elif nxt and nxt in '$`"\\':
                    word.add(nxt)
                    self.i += 2
                else:
                    word.add("\\")
                    self.i += 1
            elif char == "$":
                self.dollar(word, in_double=True)
            elif char == "`":
                self.backtick(word)
            else:
                word.add(char)
                self.i += 1
        self.out.needs_shell = True

    # -- heredocs -----------------------------------------------------------------------------------
    def heredoc_start(self, command: SimpleCommand) -> None:
        """After `<<`: read the delimiter word and remember the body to read after this line."""
        s = self.s
        strip = False
        if self.i < len(s) and s[self.i] == "-":
            strip = True
            self.i += 1
        while self.i < len(s) and s[self.i] in " \t":
            self.i += 1
        start = self.i
        quoted = False
        delimiter = []
        while self.i < len(s) and s[self.i] not in " \t\n;|&<>()":
            char = s[self.i]
            if char in "'\"":
                quoted = True
                self.i += 1
                delimiter.append(self.read_until(char, escapes=False))
                continue
            if char == "\\":
                quoted = True
                delimiter.append(s[self.i + 1:self.i + 2])
                self.i += 2
                continue
            delimiter.append(char)
            self.i += 1
        text = "".join(delimiter)
        self.refuse_in(s[start:self.i], "in a here-document delimiter")
        self.pending.append(Heredoc(text, quoted, strip, command))

    def heredoc_bodies(self) -> None:
        """At a newline with pending heredocs: read each body up to its delimiter line."""
        s = self.s
        for doc in self.pending:
            lines: list[str] = []
            while self.i < len(s):
                end = s.find("\n", self.i)
                line = s[self.i:] if end < 0 else s[self.i:end]
                self.i = len(s) if end < 0 else end + 1
                check = line.lstrip("\t") if doc.strip_tabs else line
                if check == doc.delimiter:
                    break
                lines.append(line)
            body = "\n".join(lines)
            doc.command.heredocs.append(body)
            if doc.quoted:
                self.note(body, "heredoc-literal")
            else:
                self.heredoc_expansions(body)
        self.pending = []

    def heredoc_expansions(self, body: str) -> None:
        """An unquoted heredoc expands `$…` and backticks: values inside those are refused."""
        for match in re.finditer(r"\$\(\(.*?\)\)|\$\((?:[^()]|\([^()]*\))*\)|\$\{[^}]*\}|`[^`]*`", body, re.S):
            self.refuse_in(match.group(0), "inside an expansion in a here-document")
        self.note(body, "heredoc")

    def commands(self, closer: str | None = None) -> None:
        """Read commands until the end (or the `)` closing a `$(`); the scanner defines it."""
        raise NotImplementedError
