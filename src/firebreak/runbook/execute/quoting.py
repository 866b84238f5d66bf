"""Execute: turn a value into text that means exactly that value in one quoting context.

Contexts come in layers, outermost first (`shell:double` → `shell:unquoted` → `sql:string` for a
value inside `bash -c "psql -c \"… '<x>' …\""`); `quote_layers` applies them innermost first. A value
that cannot be expressed safely in a context is refused with the reason, never passed through.
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


def quote_layers(layers: Sequence[str], value: str, raw: str) -> str:
    """Apply each `kind:context` layer to `value`, innermost (last) first."""
    if "\x00" in value:
        raise ValueRefused("contains a NUL byte")
    text = value
    for layer in reversed(layers):
        kind, _, context = layer.partition(":")
        text = quote_shell(context, text, raw) if kind == "shell" else quote_sql(context, text, raw)
    return text
