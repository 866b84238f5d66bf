"""Execute: where each placeholder sits in a shell command (quoting context) and whether bash is needed.

Placeholders are first replaced by sentinels (`FBPH<n>Q`, letters and digits only, so no quoting
changes them). This scanner reads the command the way bash would — quotes, escapes, expansions,
operators, redirections, heredocs — and reports, for each sentinel, the context it sits in:

    unquoted | single | double | heredoc | heredoc-literal | comment

or why no value may be put there at all (inside backticks, `$'…'`, arithmetic, `${…}`, or a command
such as `eval` or `[[` that would evaluate the value as code). It also returns each simple command as
words with quotes removed, so later layers can see `psql -c SQL` or `sh -c SCRIPT` arguments.
Anything not understood makes the command need bash; a sentinel in a place not understood is refused.
This module holds the command loop; quotes, expansions and here-documents are read by
shell_reader, and the result types live in shell_words.
"""

from __future__ import annotations

from firebreak.runbook.execute.shell_reader import ShellReader
from firebreak.runbook.execute.shell_words import ASSIGNMENT, SENTINEL, ShellScan, SimpleCommand, WordBuilder

KEYWORDS = frozenset({"if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case",
                      "esac", "function", "select", "!", "time", "{", "}", "[[", "]]", "coproc"})
# Commands that evaluate an argument as code (or as arithmetic, which in bash can run code).
EVALUATING = frozenset({"eval", "trap", "let", "declare", "typeset", "local", "readonly", "export", "source",
                        ".", "alias", "[[", "mapfile", "readarray", "bind", "complete", "fc", "enable"})


class _Scanner(ShellReader):
    """The command loop over the reader: words, operators, redirections, pipelines and subshells."""

    def commands(self, closer: str | None = None) -> None:
        """Read commands until the end (or the `)` closing a `$(`)."""
        s = self.s
        command = SimpleCommand(start=self.i, pipeline=self.pipeline)
        word = WordBuilder(self.i)
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
            word = WordBuilder(self.i)

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
                    word = WordBuilder(self.i)  # `2>`: a file descriptor, not an argument
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
