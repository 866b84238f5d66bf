"""Execute: where each placeholder sits in a shell command (quoting context) and whether bash is needed.

Placeholders are first replaced by sentinels (`FBPH<n>Q`, letters and digits only, so no quoting
changes them). This scanner reads the command the way bash would — quotes, escapes, expansions,
operators, redirections, heredocs — and reports, for each sentinel, the context it sits in:

    unquoted | single | double | heredoc | heredoc-literal | comment

or why no value may be put there at all (inside backticks, `$'…'`, arithmetic, `${…}`, or a command
such as `eval` or `[[` that would evaluate the value as code). It also returns each simple command as
words with quotes removed, so later layers can see `psql -c SQL` or `sh -c SCRIPT` arguments.
Anything not understood makes the command need bash; a sentinel in a place not understood is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SENTINEL = re.compile(r"FBPH(\d+)Q")
NAME_CHAR = re.compile(r"[A-Za-z0-9_]")
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?\+?=")
KEYWORDS = frozenset({"if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case",
                      "esac", "function", "select", "!", "time", "{", "}", "[[", "]]", "coproc"})
# Commands that evaluate an argument as code (or as arithmetic, which in bash can run code).
EVALUATING = frozenset({"eval", "trap", "let", "declare", "typeset", "local", "readonly", "export", "source",
                        ".", "alias", "[[", "mapfile", "readarray", "bind", "complete", "fc", "enable"})


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


@dataclass
class _Heredoc:
    delimiter: str
    quoted: bool
    strip_tabs: bool
    command: SimpleCommand


class _Scanner:
    """A hand-written reader of bash's quoting rules, enough to place values safely."""

    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.out = ShellScan()
        self.pending: list[_Heredoc] = []
        self.pipeline = 0

    # -- helpers -----------------------------------------------------------------------------------
    def note(self, chunk: str, context: str) -> None:
        for match in SENTINEL.finditer(chunk):
            self.out.contexts.setdefault(int(match.group(1)), context)

    def refuse_in(self, chunk: str, reason: str) -> None:
        for match in SENTINEL.finditer(chunk):
            self.out.refuse(int(match.group(1)), reason)

    def take_sentinel(self, word: _WordBuilder, context: str) -> bool:
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
    def dollar(self, word: _WordBuilder, *, in_double: bool) -> None:
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

    def backtick(self, word: _WordBuilder) -> None:
        self.i += 1
        body = self.read_until("`", escapes=True)
        self.refuse_in(body, "inside backticks; write $(…) instead")
        word.add(body, dynamic=True)
        self.out.needs_shell = True

    def double(self, word: _WordBuilder) -> None:
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
        self.pending.append(_Heredoc(text, quoted, strip, command))

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

    # -- the command loop ---------------------------------------------------------------------------
    def commands(self, closer: str | None = None) -> None:
        """Read commands until the end (or the `)` closing a `$(`)."""
        s = self.s
        command = SimpleCommand(start=self.i, pipeline=self.pipeline)
        word = _WordBuilder(self.i)
        redirect_next = False
        herestring_next = False
        depth = 0

        def end_word() -> None:
            nonlocal word, redirect_next, herestring_next
            if word.started:
                built = word.build(self.i)
                if herestring_next:
                    command.herestrings.append(built)
                if redirect_next:
                    redirect_next = herestring_next = False
                else:
                    command.words.append(built)
            word = _WordBuilder(self.i)

        def end_command(separator: str) -> None:
            nonlocal command
            end_word()
            command.end = self.i
            if command.words or command.heredocs:
                self.out.commands.append(command)
            if separator != "|":
                self.pipeline += 1
            command = SimpleCommand(start=self.i, pipeline=self.pipeline)

        while self.i < len(s):
            if not word.started:
                word.start = self.i
            if self.take_sentinel(word, "unquoted"):
                continue
            char = s[self.i]
            if closer and char == ")" and depth == 0:
                end_command(";")
                self.i += 1
                return
            if char == "\\":
                nxt = s[self.i + 1] if self.i + 1 < len(s) else ""
                if nxt == "\n":
                    self.i += 2
                    continue
                word.add(nxt)
                self.i += 2
            elif char in " \t":
                end_word()
                self.i += 1
            elif char == "\n":
                self.i += 1
                end_command(";")
                if self.pending:
                    self.heredoc_bodies()
                if s[self.i:].strip():
                    self.out.needs_shell = True
            elif char == "#" and not word.started:
                end = s.find("\n", self.i)
                end = len(s) if end < 0 else end
                self.note(s[self.i:end], "comment")
                self.i = end
            elif char == "'":
                self.i += 1
                word.started = True
                body = self.read_until("'", escapes=False)
                self.note(body, "single")
                word.add(body)
            elif char == '"':
                self.double(word)
            elif char == "$":
                self.dollar(word, in_double=False)
            elif char == "`":
                self.backtick(word)
            elif s.startswith("((", self.i) and not word.started:
                self.i += 2
                body = self.read_balanced("((", "))")
                self.refuse_in(body, "inside arithmetic ((…)), which bash evaluates as code")
                self.out.needs_shell = True
            elif char in "|&;":
                self.out.needs_shell = True
                two = s[self.i:self.i + 2]
                self.i += 2 if two in ("||", "&&", ";;", "|&", ";&", "&>") else 1
                if two == "&>":
                    end_word()
                    redirect_next = True
                    continue
                end_command("|" if two in ("|", "|&") or (char == "|" and two != "||") else ";")
            elif char in "()":
                self.out.needs_shell = True
                depth += 1 if char == "(" else -1
                self.i += 1
                end_command(";")
            elif char in "<>":
                self.out.needs_shell = True
                if word.started and not word.dynamic and "".join(word.parts).isdigit():
                    word = _WordBuilder(self.i)  # `2>`: a file descriptor, not an argument
                else:
                    end_word()
                if s.startswith("<<<", self.i):
                    self.i += 3
                    redirect_next = herestring_next = True
                elif s.startswith("<<", self.i):
                    self.i += 2
                    self.heredoc_start(command)
                else:
                    while self.i < len(s) and s[self.i] in "<>&|":
                        self.i += 1
                    if s[self.i - 1] == "&" and self.i < len(s) and (s[self.i].isdigit() or s[self.i] == "-"):
                        while self.i < len(s) and (s[self.i].isdigit() or s[self.i] == "-"):
                            self.i += 1
                    else:
                        redirect_next = True
            else:
                if char in "*?[{}" or (char == "~" and not word.started):
                    self.out.needs_shell = True
                word.add(char)
                self.i += 1
        end_command(";")
        if self.pending:
            self.heredoc_bodies()


class _WordBuilder:
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


def scan_shell(text: str) -> ShellScan:
    """Read `text` as bash; see the module docstring."""
    scanner = _Scanner(text)
    scanner.commands()
    out = scanner.out
    for command in out.commands:
        if not command.words:
            continue
        first = command.words[0].text
        if first in KEYWORDS or ASSIGNMENT.match(first):
            out.needs_shell = True
        if first in EVALUATING:
            for word in command.words:
                for match in SENTINEL.finditer(word.text):
                    out.refuse(int(match.group(1)), f"an argument of `{first}`, which evaluates it as code")
    return out
