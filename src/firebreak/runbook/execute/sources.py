"""Execute: where placeholder values come from — the step's target, operator input, service runbook
variables, the incident, then the alert's labels and annotations — and how a placeholder name finds
its value.

Names match loosely (`<POD_NAME>`, `$pod_name`, `pod-name` are one name; `POD_NAME` also finds a
`pod` label). Connection options filled from the step's target win; then operator input, then the
service's runbook variables (configuration, trusted), then incident fields, then labels, then
annotations (both sent by whoever sends alerts). A runbook variable the configuration declares is
never filled from anywhere else: when its `env:`/`file:` reference is unavailable the step is
blocked, naming it. Labels and annotations fill only the placeholders the configuration allows
(`label_names`), and never an address-shaped one (host, URL, DSN, port …).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from firebreak.config.targets import is_address_name

SourceName = str
ORDER: tuple[SourceName, ...] = ("input", "runbook variable", "incident", "label", "annotation")


@dataclass(frozen=True)
class Value:
    """A value found for a placeholder, where it came from, and whether it is secret."""

    text: str
    source: SourceName
    key: str
    secret: bool = False


@dataclass(frozen=True)
class Sources:
    """Everything a step may be filled from."""

    input: Mapping[str, str] = field(default_factory=dict)
    variables: Mapping[str, str | None] = field(default_factory=dict)
    secret_variables: frozenset[str] = frozenset()
    incident: Mapping[str, str] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    service: str | None = None
    target: Mapping[str, Value] = field(default_factory=dict)
    connection: Value | None = None
    label_names: frozenset[str] | None = None
    variable_refs: Mapping[str, str] = field(default_factory=dict)

    def label_may_fill(self, key: str) -> bool:
        """Whether labels and annotations may give placeholder `key` (None: any name that is no address)."""
        if is_address_name(key):
            return False
        return self.label_names is None or key in self.label_names or key.removesuffix("_name") in self.label_names

    def mappings(self) -> Iterator[tuple[SourceName, Mapping[str, str | None]]]:
        yield "input", self.input
        yield "runbook variable", self.variables
        yield "incident", self.incident
        yield "label", self.labels
        yield "annotation", self.annotations


def normalise(name: str) -> str:
    """`<POD_NAME>`, `pod-name` and `Pod Name` all become `pod_name`."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def candidates(name: str) -> list[str]:
    """Keys a placeholder name may be filled from: itself, then without a `_name` suffix."""
    key = normalise(name)
    out = [key]
    if key.endswith("_name") and len(key) > 5:
        out.append(key[:-5])
    return out


@dataclass(frozen=True)
class Lookup:
    """The value of one placeholder, or why there is none."""

    value: Value | None
    unset_variable: str | None = None


def lookup(name: str, sources: Sources) -> Lookup:
    """Find `name` in the sources, in order (see the module docstring)."""
    wanted = candidates(name)
    for key in wanted:
        if key in sources.target:
            return Lookup(sources.target[key])
    for key in wanted:
        for source, mapping in sources.mappings():
            if source in ("label", "annotation") and not sources.label_may_fill(key):
                continue
            for found_key, found in mapping.items():
                if normalise(found_key) != key:
                    continue
                if found is None:
                    return Lookup(None, found_key)  # declared, unavailable: nothing later may stand in
                secret = source == "runbook variable" and found_key in sources.secret_variables
                return Lookup(Value(str(found), source, found_key, secret))
    return Lookup(None)


def missing_message(names: list[str], unset: dict[str, str], service: str | None,
                    sources: Sources | None = None) -> str:
    """One sentence per missing value, saying where it could come from."""
    parts = []
    refs = sources.variable_refs if sources is not None else {}
    for name in names:
        if name in unset:
            reads = f"reads {refs[unset[name]]}, which is not available" if unset[name] in refs \
                else "reads an environment variable that is not set"
            parts.append(f"no value for {name}: runbook variable {unset[name]!r} of service {service or '?'} "
                         f"{reads} (alert labels never stand in for it)")
        elif name == "...":
            parts.append("the command leaves part of itself out (`...`); write it out in the runbook")
        else:
            key = normalise(name)
            where = f"set runbook variable {key!r} on service {service}" if service \
                else "configure the incident's service with a runbook variable"
            if is_address_name(key):
                label = "(it names an address, so alert labels never fill it)"
            elif sources is None or sources.label_may_fill(key):
                label = f"or send it as alert label {key!r}"
            else:
                label = f"or allow alert label {key!r} in label_placeholders"
            parts.append(f"no value for {name}: give it as input {key!r}, {where}, {label}")
    return "; ".join(parts)
