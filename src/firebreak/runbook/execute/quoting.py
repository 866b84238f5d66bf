"""Execute: turn a value into text that means exactly that value in one quoting context.

Contexts come in layers, outermost first (`shell:double` → `shell:unquoted` → `sql:string` for a
value inside `bash -c "psql -c \"… '<x>' …\""`); `quote_layers` applies them innermost first. A value
that cannot be expressed safely in a context is refused with the reason, never passed through.
Second interpreters add their own innermost layer (see programs): `regex:bre|ere|pcre|fixed` for a
grep pattern (the value matches literally), `sed:bre:/`, `sed:ere:/` and `sed:repl:/` for a sed
regex or replacement with its delimiter, `awk:assign` for the value of `awk -v NAME=VALUE`, and
`arg:find` for a path of find, which must not start with `-`.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence


class ValueRefused(ValueError):
    """A value that cannot be placed in its context safely; the message says why."""


def sql_literal(value: str) -> str:
    """A PostgreSQL string literal meaning `value` whatever `standard_conforming_strings` says."""
    if "\\" in value:
        return "E'" + value.replace("\\", "\\\\").replace("'", "''") + "'"
    return "'" + value.replace("'", "''") + "'"


def quote_shell(context: str, value: str, raw: str) -> str:
    """`value` as text for a bash context (`unquoted`, `single`, `double`, `heredoc` …)."""
    quoted = shlex.quote(value)
    if context == "unquoted":
        return quoted
    if context in ("single", "double"):
        # close the surrounding quote, add the quoted value, reopen; plain words need none of it
        if quoted == value:
            return value
        mark = "'" if context == "single" else '"'
        return mark + quoted + mark
    if context in ("heredoc", "heredoc-literal"):
        if "\n" in value or "\r" in value:
            raise ValueRefused("contains a line break, which could end the here-document")
        if context == "heredoc":
            return value.replace("\\", "\\\\").replace("$", "\\$").replace("`", "\\`")
        return value
    if context == "comment":
        return raw
    raise ValueRefused(f"sits in an unknown shell context {context!r}")


def quote_sql(context: str, value: str, raw: str) -> str:
    """`value` as text for a SQL context (`code`, `string`, `estring`, `ident`, `comment`, `dollar:$t$`)."""
    if context == "code":
        return sql_literal(value)
    if context == "string":
        if "\\" in value:
            raise ValueRefused("contains a backslash, which this SQL string cannot hold safely")
        return value.replace("'", "''")
    if context == "estring":
        return value.replace("\\", "\\\\").replace("'", "''")
    if context == "ident":
        return value.replace('"', '""')
    if context == "comment":
        return raw
    if context.startswith("dollar:"):
        if "$" in value:
            raise ValueRefused("contains `$`, which could end the dollar-quoted SQL string")
        return value
    raise ValueRefused(f"sits in an unknown SQL context {context!r}")


BRE_SPECIAL = frozenset("\\.[*^$")
ERE_SPECIAL = frozenset("\\.[()*+?{|^$")


def regex_literal(dialect: str, value: str) -> str:
    """A regex (POSIX basic or extended, or PCRE) that matches exactly `value`."""
    if "\n" in value:
        raise ValueRefused("contains a line break, which would split the pattern in two")
    if dialect == "fixed":
        return value
    if dialect == "pcre":
        return "".join("\\" + c if c.isascii() and not (c.isalnum() or c == "_") else c for c in value)
    special = BRE_SPECIAL if dialect == "bre" else ERE_SPECIAL
    if dialect not in ("bre", "ere"):
        raise ValueRefused(f"sits in an unknown regex dialect {dialect!r}")
    return "".join("\\" + c if c in special else c for c in value)


def quote_sed(context: str, value: str) -> str:
    """`value` as literal text in a sed regex (`bre:D`, `ere:D`) or replacement (`repl:D`), D the delimiter."""
    part, _, delimiter = context.partition(":")
    if "\n" in value:
        raise ValueRefused("contains a line break, which would end the sed command")
    if delimiter != "/" and delimiter in value:
        raise ValueRefused(f"contains {delimiter!r}, the delimiter of this sed command")
    text = value.replace("\\", "\\\\").replace("&", "\\&") if part == "repl" else regex_literal(part, value)
    return text.replace("/", "\\/") if delimiter == "/" else text


def quote_awk(context: str, value: str) -> str:
    """`value` for `awk -v NAME=VALUE`, which reads escape sequences: backslashes are doubled."""
    if context != "assign":
        raise ValueRefused(f"sits in an unknown awk context {context!r}")
    return value.replace("\\", "\\\\")


def quote_layers(layers: Sequence[str], value: str, raw: str) -> str:
    """Apply each `kind:context` layer to `value`, innermost (last) first."""
    if "\x00" in value:
        raise ValueRefused("contains a NUL byte")
    text = value
    for layer in reversed(layers):
        kind, _, context = layer.partition(":")
        if kind == "shell":
            text = quote_shell(context, text, raw)
        elif kind == "sql":
            text = quote_sql(context, text, raw)
        elif kind == "regex":
            text = regex_literal(context, text)
        elif kind == "sed":
            text = quote_sed(context, text)
        elif kind == "awk":
            text = quote_awk(context, text)
        elif kind == "arg":
            if text.startswith("-"):
                raise ValueRefused(f"starts with `-`, which {context} would read as an option or expression")
        else:
            raise ValueRefused(f"sits in an unknown context {layer!r}")
    return text
