"""Execute: values in patterns and paths — grep patterns, sed scripts, find paths (pure).

A grep pattern and a sed regex or replacement get the value escaped to match itself literally
(quoting layers `regex:…`, `sed:…`); a sed position that is code refuses it (commands.sed); a
pattern given as the first operand gets `-e` in front and operands get `--`, so a value is never an
option; a find path gets `arg:find`, refusing a value that starts with `-` (`-delete`).
"""

from __future__ import annotations

from firebreak.runbook.commands.sed import read_sed
from firebreak.runbook.execute.program_edits import Edits, end_options, read_options
from firebreak.runbook.execute.shell_words import SENTINEL, Word

GREPS = {"grep": "bre", "egrep": "ere", "fgrep": "fixed", "zgrep": "bre", "zegrep": "ere", "zfgrep": "fixed",
         "xzgrep": "bre", "bzgrep": "bre"}
# Interpreters whose program is an option's value (cluster letters that take the program).
SED_VALUES = frozenset({"-e", "-f", "-l", "--expression", "--file", "--line-length"})
GREP_VALUES = frozenset({"-e", "-f", "-m", "-A", "-B", "-C", "-d", "-D", "--regexp", "--file", "--max-count",
                         "--after-context", "--before-context", "--context", "--include", "--exclude",
                         "--exclude-dir", "--exclude-from", "--label", "--devices", "--directories",
                         "--binary-files", "--group-separator"})
GREP_DIALECTS = {"E": "ere", "F": "fixed", "G": "bre", "P": "pcre", "--extended-regexp": "ere",
                 "--fixed-strings": "fixed", "--basic-regexp": "bre", "--perl-regexp": "pcre"}


def find_paths(edits: Edits, words: list[Word]) -> None:
    """`find PATH… EXPRESSION`: a value starting a path must not start with `-` (`-delete` is an expression)."""
    index = 1
    while index < len(words) and (words[index].text in ("-H", "-L", "-P", "-D")
                                  or words[index].text.startswith("-O")):
        index += 2 if words[index].text == "-D" else 1
    while index < len(words) and not words[index].text.startswith(("-", "(", "!")):
        match = SENTINEL.match(words[index].text)
        if match:
            edits.out.layers.setdefault(int(match.group(1)), "arg:find")
        index += 1


def sed_scripts(edits: Edits, words: list[Word]) -> None:
    options, positional = read_options(words, SED_VALUES)
    extended = any(flag in ("-E", "-r", "--regexp-extended") for flag, _ in options)
    scripts = [(w.text.split("=", 1)[1] if w.text.startswith("--expression=") else
                w.text[2:] if w.text.startswith("-e") and w.text != "-e" else w.text)
               for flag, w in options if flag in ("-e", "--expression")]
    operands = positional
    if not scripts and not any(flag in ("-f", "--file") for flag, _ in options) and positional:
        scripts, operands = [words[positional[0]].text], positional[1:]
    if operands:
        end_options(edits, words, operands[0])  # `sed SCRIPT -i`, `-es/x/y/e`: a value must not be an option
    for script in scripts:
        read = read_sed(script, extended=extended, marker=SENTINEL)
        for sid, layer in read.layers.items():
            edits.out.layers.setdefault(sid, layer)
        for sid, why in read.problems.items():
            edits.out.problems.setdefault(sid, why)


def grep_patterns(edits: Edits, words: list[Word], dialect: str) -> None:
    options, positional = read_options(words, GREP_VALUES)
    for flag, _ in options:
        dialect = GREP_DIALECTS.get(flag.lstrip("-") if len(flag) == 2 else flag, dialect)
    patterns = [w for flag, w in options if flag in ("-e", "--regexp")]
    operands = positional
    if not patterns and not any(flag in ("-f", "--file") for flag, _ in options) and positional:
        word = words[positional[0]]
        patterns, operands = [word], positional[1:]
        ended = any(w.text == "--" for w in words[1:positional[0]])
        if SENTINEL.match(word.text) and not ended:
            edits.edits.append((word.start, word.start, "-e "))  # a value starting with `-` is no option
    if operands:
        end_options(edits, words, operands[0])
    for word in patterns:
        text = word.text
        for match in SENTINEL.finditer(text):
            sid = int(match.group(1))
            before = text[:match.start()]
            escaped = len(before) - len(before.rstrip("\\"))
            if escaped % 2:
                edits.out.problems.setdefault(sid, "right after a backslash in a grep pattern")
            elif dialect != "fixed" and _in_bracket(before):
                edits.out.problems.setdefault(sid, "inside a bracket expression [...] of a grep pattern")
            else:
                edits.out.layers.setdefault(sid, f"regex:{dialect}")


def _in_bracket(before: str) -> bool:
    """True when the end of `before` (a regex prefix) is inside `[...]`."""
    inside = False
    i = 0
    while i < len(before):
        char = before[i]
        if char == "\\" and not inside:
            i += 2
            continue
        if char == "[" and not inside:
            inside = True
            i += 2 if before[i + 1:i + 2] == "]" or before[i + 1:i + 3] == "^]" else 1
            continue
        if char == "]" and inside:
            inside = False
        i += 1
    return inside
