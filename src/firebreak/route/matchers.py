"""Label matchers (`=`, `!=`, `=~`, `!~`) with Alertmanager semantics, used by routes, silences,
maintenance windows and inhibition rules.

A missing label counts as the empty string, and regular expressions are anchored at both ends,
so `job=~"api"` matches only `api`, never `api-gateway`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class MatchOp(StrEnum):
    """The four matcher operators."""

    EQ = "="
    NE = "!="
    RE = "=~"
    NRE = "!~"


_OPS_BY_TEXT = {op.value: op for op in MatchOp}
_NAME = r"[A-Za-z_][A-Za-z0-9_.:\-]*"
_MATCHER_RE = re.compile(rf"\s*({_NAME}|\"(?:[^\"\\]|\\.)*\")\s*(=~|!~|!=|=)\s*")
_NAME_ONLY = re.compile(_NAME)
_ESCAPES = {"\\": "\\", '"': '"', "n": "\n", "t": "\t"}


def _tester(name: str, op: MatchOp, value: str, regex: re.Pattern[str] | None) -> Callable[[Mapping[str, str]], bool]:
    """A closure testing one label set: matchers run for every route and silence on every alert,
    so the operator is chosen once here rather than on each call."""
    if op is MatchOp.EQ:
        return lambda labels: labels.get(name, "") == value
    if op is MatchOp.NE:
        return lambda labels: labels.get(name, "") != value
    assert regex is not None
    match = regex.match
    if op is MatchOp.RE:
        return lambda labels: match(labels.get(name, "")) is not None
    return lambda labels: match(labels.get(name, "")) is None


@dataclass(frozen=True, slots=True)
class Matcher:
    """One label condition. `matches(labels)` tells whether a label set satisfies it (a missing
    label is the empty string); build with `Matcher.of` or `parse_matcher`."""

    name: str
    op: MatchOp
    value: str
    regex: re.Pattern[str] | None = field(default=None, compare=False, repr=False)
    matches: Callable[[Mapping[str, str]], bool] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.regex is None and self.op in (MatchOp.RE, MatchOp.NRE):
            object.__setattr__(self, "regex", compile_anchored(self.value))
        object.__setattr__(self, "matches", _tester(self.name, self.op, self.value, self.regex))

    @classmethod
    def of(cls, name: str, op: MatchOp | str, value: str) -> Matcher:
        """A matcher with its regular expression compiled (anchored); ValueError on a bad one."""
        if not name:
            raise ValueError("matcher has an empty label name")
        the_op = op if isinstance(op, MatchOp) else _OPS_BY_TEXT.get(op)
        if the_op is None:
            raise ValueError(f"unknown matcher operator {op!r} (use =, !=, =~ or !~)")
        regex = None
        if the_op in (MatchOp.RE, MatchOp.NRE):
            regex = compile_anchored(value)
        return cls(name=name, op=the_op, value=value, regex=regex)

    @property
    def is_regex(self) -> bool:
        return self.op in (MatchOp.RE, MatchOp.NRE)

    @property
    def is_equal(self) -> bool:
        """True for the positive operators (`=`, `=~`), False for the negated ones."""
        return self.op in (MatchOp.EQ, MatchOp.RE)

    def __str__(self) -> str:
        name = self.name if _NAME_ONLY.fullmatch(self.name) else quote(self.name)
        return f"{name}{self.op.value}{quote(self.value)}"


def compile_anchored(pattern: str) -> re.Pattern[str]:
    """Compile `pattern` anchored at both ends, as Alertmanager does; ValueError if invalid."""
    try:
        return re.compile(f"^(?:{pattern})$", re.DOTALL)
    except re.error as exc:
        raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from exc


def quote(value: str) -> str:
    """Double-quote a matcher value, escaping backslashes, quotes and newlines."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def _unquote(text: str) -> str:
    out: list[str] = []
    index = 1
    while index < len(text) - 1:
        char = text[index]
        if char == "\\":
            nxt = text[index + 1] if index + 1 < len(text) - 1 else ""
            if nxt not in _ESCAPES:
                raise ValueError(f"bad escape sequence '\\{nxt}' in {text}")
            out.append(_ESCAPES[nxt])
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def _scan_value(text: str, start: int, *, bare_to_end: bool) -> tuple[str, int]:
    """Read a value at `start`: a quoted string, or bare text (to the end, or to a comma or brace)."""
    if start < len(text) and text[start] == '"':
        index = start + 1
        while index < len(text):
            if text[index] == "\\":
                index += 2
                continue
            if text[index] == '"':
                return _unquote(text[start:index + 1]), index + 1
            index += 1
        raise ValueError(f"unterminated quoted value in {text!r}")
    end = len(text) if bare_to_end else start
    while end < len(text) and text[end] not in ',}':
        end += 1
    bare = text[start:end].strip()
    if '"' in bare:
        raise ValueError(f"stray quote in value {bare!r}; quote the whole value")
    return bare, end


def _parse_at(text: str, start: int, *, bare_to_end: bool = False) -> tuple[Matcher, int]:
    head = _MATCHER_RE.match(text, start)
    if head is None:
        raise ValueError(
            f"cannot parse matcher {text[start:].strip()!r}: expected name=\"value\" "
            "with one of =, !=, =~, !~"
        )
    name = head.group(1)
    if name.startswith('"'):
        name = _unquote(name)
    value, end = _scan_value(text, head.end(), bare_to_end=bare_to_end)
    return Matcher.of(name, head.group(2), value), end


def parse_matcher(text: str) -> Matcher:
    """Parse one matcher such as `severity=~"critical|warning"` or `env!=staging`."""
    matcher, end = _parse_at(text, 0, bare_to_end=True)
    rest = text[end:].strip()
    if rest:
        raise ValueError(f"unexpected text {rest!r} after matcher {str(matcher)!r}")
    return matcher


def parse_matchers(text: str) -> tuple[Matcher, ...]:
    """Parse a comma-separated matcher list, optionally in braces: `{alertname="X", env!="dev"}`."""
    body = text.strip()
    if body.startswith("{"):
        if not body.endswith("}"):
            raise ValueError(f"unbalanced braces in {text!r}")
        body = body[1:-1]
    found: list[Matcher] = []
    index = 0
    while True:
        while index < len(body) and body[index].isspace():
            index += 1
        if index >= len(body):
            break
        matcher, index = _parse_at(body, index)
        found.append(matcher)
        while index < len(body) and body[index].isspace():
            index += 1
        if index < len(body):
            if body[index] != ",":
                raise ValueError(f"expected ',' between matchers at {body[index:]!r}")
            index += 1
    return tuple(found)


def equality_matchers(pairs: Mapping[str, str]) -> tuple[Matcher, ...]:
    """Matchers for a plain `{label: value}` mapping (every pair must be equal)."""
    return tuple(Matcher.of(name, MatchOp.EQ, str(value)) for name, value in pairs.items())


def regex_matchers(pairs: Mapping[str, str]) -> tuple[Matcher, ...]:
    """Matchers for a `{label: regex}` mapping (every label must match its regex)."""
    return tuple(Matcher.of(name, MatchOp.RE, str(value)) for name, value in pairs.items())


def matches_all(matchers: Iterable[Matcher], labels: Mapping[str, str]) -> bool:
    """True when every matcher holds (an empty list matches everything)."""
    # A plain loop: this runs for every route and silence on every alert, and all() over a
    # generator costs about twice as much.
    for matcher in matchers:  # noqa: SIM110
        if not matcher.matches(labels):
            return False
    return True
