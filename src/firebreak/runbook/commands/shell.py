"""Shell parsing with tree-sitter-bash: statement completeness and the simple commands inside."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import tree_sitter_bash
from tree_sitter import Language, Node, Parser

_LANGUAGE = Language(tree_sitter_bash.language())
HEREDOC_START = re.compile(r"<<(-?)\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\2")
ANGLE = re.compile(r"(?<![<\w$])<([A-Za-z][A-Za-z0-9 _.:/-]{0,60}?)>(?![>\w])")
# Angle-bracket literals that are data, not blanks to fill: old pg_stat_activity values, HTML.
ANGLE_LITERALS = frozenset({"idle", "idle in transaction", "insufficient privilege", "br", "b", "i", "p",
                            "div", "span", "code", "pre", "details", "summary", "snip", "none"})
COMPOUND = frozenset({"while_statement", "for_statement", "c_style_for_statement", "if_statement",
                      "case_statement", "subshell", "compound_statement", "function_definition",
                      "list", "pipeline", "redirected_statement", "negated_command", "program",
                      "do_group", "elif_clause", "else_clause", "case_item"})


def mask_angles(text: str) -> str:
    """Replace `<…>` placeholders with plain words so the parser does not read them as redirections."""
    return ANGLE.sub(lambda m: "__PH_" + re.sub(r"\W", "_", m.group(1)) + "__"
                     if m.group(1).strip().lower() not in ANGLE_LITERALS else m.group(0), text)


def unmask(text: str, original: str) -> str:
    """Put the placeholders of `original` back into `text` (a reason that quotes masked words)."""
    if "__PH_" not in text:
        return text
    for match in ANGLE.finditer(original):
        text = text.replace("__PH_" + re.sub(r"\W", "_", match.group(1)) + "__", match.group(0))
    return text


def parser() -> Parser:
    """A parser for one thread (tree-sitter parsers are cheap but not shareable across threads)."""
    return Parser(_LANGUAGE)


_PARSER = parser()


def parse(text: str) -> Node:
    """The root node of `text` parsed as bash."""
    return _PARSER.parse(text.encode()).root_node


def is_complete(text: str) -> bool:
    """True when `text` parses cleanly and ends outside a continuation or an open heredoc."""
    stripped = text.rstrip()
    if stripped.endswith("\\") or stripped.endswith(("|", "&&", "||")):
        return False
    return not parse(text).has_error


@dataclass
class Word:
    """One argument: its value with quotes removed, and how it was quoted."""

    value: str
    quoted: str = ""  # "", "'" or '"'
    node_type: str = "word"


@dataclass
class SimpleCommand:
    """A command name with its arguments, redirections and any heredoc body fed to it."""

    name: str
    args: list[Word]
    writes: list[str] = field(default_factory=list)
    stdin_text: str | None = None
    assignments: list[str] = field(default_factory=list)
    node: Node | None = None

    @property
    def argv(self) -> list[str]:
        return [w.value for w in self.args]


@dataclass
class ShellScript:
    """What a piece of shell does: its simple commands, loops that never end, nested scripts."""

    commands: list[SimpleCommand] = field(default_factory=list)
    endless_loops: list[str] = field(default_factory=list)
    assignments: list[str] = field(default_factory=list)
    has_error: bool = False


def text_of(node: Node) -> str:
    return node.text.decode(errors="replace") if node.text is not None else ""


def word_value(node: Node) -> Word:
    """The value of an argument node as the shell would see it (expansions left as written)."""
    kind = node.type
    raw = text_of(node)
    if kind == "raw_string":
        return Word(raw[1:-1] if len(raw) >= 2 else raw, "'", kind)
    if kind == "string":
        return Word(raw[1:-1] if len(raw) >= 2 else raw, '"', kind)
    if kind == "ansi_c_string":
        return Word(raw[2:-1], "'", kind)
    if kind == "concatenation":
        parts = [word_value(child) for child in node.children]
        quoted = next((p.quoted for p in parts if p.quoted), "")
        return Word("".join(p.value for p in parts), quoted, kind)
    if kind == "word":
        return Word(re.sub(r"\\(.)", r"\1", raw), "", kind)
    return Word(raw, "", kind)


@lru_cache(maxsize=4096)
def analyse(text: str) -> ShellScript:
    """Every simple command in `text`, depth first, including those in substitutions and loops."""
    root = parse(text)
    script = ShellScript(has_error=root.has_error)
    _walk(root, script, None, [])
    return script


def _walk(node: Node, script: ShellScript, heredoc: str | None, writes: list[str]) -> None:
    kind = node.type
    if kind == "command":
        _command(node, script, heredoc, writes)
        return
    if kind == "variable_assignment":
        name = node.child_by_field_name("name")
        if name is not None:
            script.assignments.append(text_of(name))
        for child in node.children:
            _walk(child, script, None, [])
        return
    if kind == "redirected_statement":
        body = node.child_by_field_name("body")
        here: str | None = None
        outs: list[str] = []
        for child in node.children:
            if child.type == "heredoc_redirect":
                here = "".join(text_of(c) for c in child.children if c.type == "heredoc_body")
            elif child.type == "file_redirect":
                outs.extend(_redirect_target(child))
                _walk_substitutions(child, script)
            elif child.type == "herestring_redirect":
                here = text_of(child)
        if body is not None:
            _walk(body, script, here, outs)
        return
    if kind == "while_statement":
        condition = node.child_by_field_name("condition")
        cond_text = text_of(condition).strip().rstrip(";").strip() if condition is not None else ""
        if re.fullmatch(r"(true|:|sleep\s+[0-9.]+[smhd]?|\[\s*1\s*\])", cond_text):
            script.endless_loops.append(f"while {cond_text}")
    if kind in ("command_substitution", "process_substitution"):
        for child in node.children:
            _walk(child, script, None, [])
        return
    for child in node.children:
        if kind == "pipeline" and child.type == "command":
            _command(child, script, heredoc if child == node.children[0] else None,
                     writes if child == node.children[-1] else [])
            continue
        _walk(child, script, heredoc if kind in COMPOUND else None, writes if kind in COMPOUND else [])


def _redirect_target(node: Node) -> list[str]:
    operator = ""
    target = ""
    for child in node.children:
        if child.type in (">", ">>", "&>", "&>>", ">|", "<", "<&", ">&"):
            operator = child.type
        elif child.type not in ("file_descriptor",):
            target = word_value(child).value
    quiet = ("/dev/null", "/dev/stdout", "/dev/stderr", "1", "2", "&1", "&2")
    if operator.startswith((">", "&>")) and target and target not in quiet:
        return [target]
    return []


def _command(node: Node, script: ShellScript, heredoc: str | None, writes: list[str]) -> SimpleCommand:
    name = ""
    args: list[Word] = []
    assignments: list[str] = []
    nested: list[Node] = []
    for child in node.children:
        kind = child.type
        if kind == "command_name":
            name = word_value(child.children[0]).value if child.children else text_of(child)
            nested.append(child)
        elif kind == "variable_assignment":
            target = child.child_by_field_name("name")
            if target is not None:
                assignments.append(text_of(target))
            nested.append(child)
        elif kind == "file_redirect":
            writes = [*writes, *_redirect_target(child)]
            nested.append(child)
        elif kind in ("heredoc_redirect", "herestring_redirect"):
            continue
        else:
            args.append(word_value(child))
            nested.append(child)
    command = SimpleCommand(name=name, args=args, writes=list(writes), stdin_text=heredoc,
                            assignments=assignments, node=node)
    script.commands.append(command)
    for child in nested:
        _walk_substitutions(child, script)
    return command


def _walk_substitutions(node: Node, script: ShellScript) -> None:
    if node.type in ("command_substitution", "process_substitution"):
        _walk(node, script, None, [])
        return
    for child in node.children:
        _walk_substitutions(child, script)
