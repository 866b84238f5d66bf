"""Execute: on which of its service's declared targets a step runs, and how its client connects there (pure).

    SQL steps, `psql` and the other PostgreSQL clients   → a `postgres` target (PG* from its dsn)
    `redis-cli`                                           → a `redis` target (`-u URL`, REDISCLI_AUTH)
    anything else                                         → a `local` target (its own environment)

`kubectl`, `aws`, `gcloud` … run only on a target whose environment declares their configuration
(KUBECONFIG, AWS_PROFILE …): the Firebreak host's own is never used. Clients of databases Firebreak
has no target kind for (mysql, mongosh …) never run. With no fitting target the step is only
proposed, with the reason. Connection options the runbook gives the client itself must be
placeholders — filled from the target, never from labels — or match the target; a `redis-cli`
without any is given `-u URL`. A target whose `env:`/`file:` references are unavailable blocks the
step and names them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from psycopg import conninfo
from psycopg.errors import ProgrammingError

from firebreak.runbook.commands.placeholders import placeholder_name
from firebreak.runbook.execute.connect import POSTGRES_TOOLS, REDIS_TOOLS, Option, Use, Uses, find_uses
from firebreak.runbook.execute.fill import Blocked, locate, pg_environment, restore, sentinelise
from firebreak.runbook.execute.quoting import ValueRefused
from firebreak.runbook.execute.shell_words import SENTINEL
from firebreak.runbook.execute.sources import Value, normalise

TARGET_URL = "<firebreak_target_url>"
NEEDS_ENV: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("kubectl", "oc", "helm", "stern", "kubectx", "kubens", "k9s", "kubetail", "argocd"),
                    ("KUBECONFIG",)),
    "aws": ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"),
    **dict.fromkeys(("gcloud", "gsutil", "bq"), ("CLOUDSDK_CONFIG",)),
    "az": ("AZURE_CONFIG_DIR",), "doctl": ("DIGITALOCEAN_ACCESS_TOKEN",),
}
NO_KIND = frozenset({"mysql", "mariadb", "mysqladmin", "mysqldump", "mongo", "mongosh", "mongodump", "cqlsh",
                     "sqlcmd", "clickhouse-client", "etcdctl", "memcached-tool"})
SENTINEL_WORD = re.compile(r"FBPH(\d+)Q")


@dataclass(frozen=True)
class Target:
    """A declared target with its references resolved: `unset` names each one that could not be read."""

    name: str
    kind: str
    connection: str | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    declared_env: frozenset[str] = frozenset()
    unset: tuple[str, ...] = ()
    secrets: tuple[str, ...] = ()
    tools: tuple[str, ...] = ()
    runbooks: tuple[str, ...] = ()

    @property
    def address(self) -> str:
        """Where steps on this target connect, without any password."""
        if self.kind == "local":
            return "the Firebreak host"
        if self.connection is None:
            return "unavailable (" + "; ".join(self.unset) + ")"
        return redis_public_url(self.connection) if self.kind == "redis" else pg_public(self.connection)

    def shown(self) -> dict[str, Any]:
        """The target as steps, timelines and the audit log show it."""
        return {"name": self.name, "kind": self.kind, "address": self.address}


@dataclass(frozen=True)
class NoTarget:
    """No declared target fits the step: it is proposed on the incident, never run."""

    reason: str


@dataclass(frozen=True)
class Placement:
    """The step on its target: text to fill, placeholders, values the target gives, the child's environment."""

    target: Target
    template: str
    placeholders: tuple[str, ...]
    values: Mapping[str, Value]
    env: Mapping[str, str]
    connection: Value | None = None


def pg_public(dsn: str) -> str:
    try:
        params = conninfo.conninfo_to_dict(dsn)
    except ProgrammingError:
        return "an invalid connection string"
    host = params.get("host") or "local socket"
    port = params.get("port") or "5432"
    user = f"{params['user']}@" if params.get("user") else ""
    return f"postgresql://{user}{host}:{port}/{params.get('dbname') or ''}"


def pg_without_password(dsn: str) -> str:
    params = {k: v for k, v in conninfo.conninfo_to_dict(dsn).items() if k != "password" and v is not None}
    return conninfo.make_conninfo("", **params)


def redis_public_url(url: str) -> str:
    """The URL with any password left out (the user name kept)."""
    parts = urlsplit(url)
    user = f"{parts.username}@" if parts.username else ""
    netloc = user + (parts.hostname or "") + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


def connection_parts(target: Target) -> dict[str, str]:
    """What each connection option of the target's client is: host, port, url, dbname, user, password."""
    assert target.connection is not None
    if target.kind == "redis":
        parts = urlsplit(target.connection)
        return {"url": redis_public_url(target.connection), "host": parts.hostname or "",
                "port": str(parts.port or 6379), "socket": parts.path if parts.scheme == "unix" else "",
                "user": parts.username or "", "password": parts.password or ""}
    params = conninfo.conninfo_to_dict(target.connection)
    return {"host": str(params.get("host") or ""), "port": str(params.get("port") or "5432"),
            "dbname": pg_without_password(target.connection), "user": str(params.get("user") or ""),
            "password": str(params.get("password") or "")}


def connection_secrets(kind: str, connection: str) -> tuple[str, ...]:
    """What of a DSN or URL is secret: its password, and the whole string when it holds one."""
    try:
        password = urlsplit(connection).password if kind == "redis" else \
            conninfo.conninfo_to_dict(connection).get("password")
    except (ProgrammingError, ValueError):
        return (connection,)
    return (str(password), connection) if password else ()


def connection_env(target: Target) -> dict[str, str]:
    """The client's connection in its environment: PG* for PostgreSQL, REDISCLI_AUTH for a Redis password."""
    assert target.connection is not None
    if target.kind == "postgres":
        return pg_environment(target.connection)
    password = urlsplit(target.connection).password
    return {"REDISCLI_AUTH": password} if password else {}


def needed_kind(uses: Uses, language: str) -> str | NoTarget:
    """The kind of target the step's programs need, or why none can run them."""
    if language == "sql":
        return "postgres"
    tools = uses.tools
    unknown = [t for t in tools if t in NO_KIND]
    if unknown:
        return NoTarget(f"`{unknown[0]}` connects to a database Firebreak has no target kind for; "
                        "run it by hand")
    pg = [t for t in tools if t in POSTGRES_TOOLS]
    rd = [t for t in tools if t in REDIS_TOOLS]
    if pg and rd:
        return NoTarget(f"the step uses both `{pg[0]}` and `{rd[0]}`; a step runs on one target: split it")
    return "postgres" if pg else "redis" if rd else "local"


def fitting(targets: Sequence[Target], kind: str, tools: list[str], runbook: str, only: str | None) -> list[Target]:
    """Targets of `kind` for this runbook and one of these tools (or any); those naming a tool come first."""
    out = [t for t in targets if t.kind == kind and (not t.runbooks or runbook in t.runbooks)
           and (not t.tools or any(tool in t.tools for tool in tools)) and (only is None or t.name == only)]
    for tool in tools:
        if tool in NEEDS_ENV:
            out = [t for t in out if t.declared_env & set(NEEDS_ENV[tool])]
    return sorted(out, key=lambda t: not t.tools)


def choose(targets: Sequence[Target], kind: str, tools: list[str], runbook: str, service: str | None,
           only: str | None) -> Target | NoTarget:
    chosen = fitting(targets, kind, tools, runbook, only)
    if chosen:
        return chosen[0]
    who = f"service {service}" if service else "the incident's service"
    if only is not None:
        return NoTarget(f"target {only!r} of {who} is no longer declared (or no longer fits this step)")
    needing = [t for t in tools if t in NEEDS_ENV]
    if needing and fitting(targets, kind, [t for t in tools if t not in NEEDS_ENV], runbook, None):
        tool = needing[0]
        return NoTarget(f"`{tool}` needs its configuration declared: give a {kind} target of {who} "
                        f"{' or '.join(NEEDS_ENV[tool])} in its env (Firebreak's own is never used)")
    if not targets:
        return NoTarget(f"{who} declares no execution target; steps are proposed, never run")
    if not any(t.kind == kind for t in targets):
        return NoTarget(f"{who} declares no {kind} target" + (f" (for {', '.join(f'`{t}`' for t in tools)})"
                                                               if tools and kind == "local" else ""))
    return NoTarget(f"no {kind} target of {who} is for runbook {runbook!r} and "
                    + ", ".join(f"`{t}`" for t in tools) + " (see the targets' `runbooks` and `tools`)")


def option_values(use: Use, parts: dict[str, str], owners: Mapping[int, str],
                  found: dict[str, tuple[str, str]]) -> str | None:
    """Fill placeholder options from the target (into `found`); why a written option is refused, or None."""
    for option in use.options:
        sentinels = SENTINEL.findall(option.word)
        whole = SENTINEL_WORD.fullmatch(option.word)
        if whole:
            found[owners[int(whole.group(1))]] = (option.role, parts.get(option.role, ""))
            continue
        if sentinels:
            raws = ", ".join(owners[int(s)] for s in sentinels)
            return f"{raws} is part of the {option.role} `{use.tool}` connects to; that comes from the target only"
        if not option.literal:
            return f"the {option.role} `{use.tool}` connects to is computed by the shell; it comes from the target"
        refusal = written_option(use.tool, option, parts)
        if refusal:
            return refusal
    return None


def written_option(tool: str, option: Option, parts: dict[str, str]) -> str | None:
    """A connection option written into the runbook: allowed when it agrees with the target."""
    if option.role in ("user", "password"):
        return None
    if option.role == "dbname" and not any(c in option.word for c in "=/:"):
        return None  # a database on the target's server
    if option.role in ("host", "port", "socket") and option.word == parts.get(option.role):
        return None
    if option.role == "url" and option.word == parts.get("url"):
        return None
    return (f"`{tool}` is told to connect to {option.role} {option.word!r} by the runbook; steps connect only to "
            "the service's target: remove the option or make it a placeholder")


def place_step(text: str, language: str, placeholders: Sequence[str], targets: Sequence[Target], *,
               runbook: str, service: str | None, only: str | None = None) -> Placement | NoTarget | Blocked:
    """The target `text` runs on and what it gives the step (see the module docstring)."""
    spans = locate(text, list(placeholders))
    marked, owners = sentinelise(text, spans)
    uses = find_uses(marked) if language == "bash" else Uses()
    kind = needed_kind(uses, language)
    if isinstance(kind, NoTarget):
        return kind
    tools = [t for t in uses.tools if kind == "local" or t in POSTGRES_TOOLS | REDIS_TOOLS or t in NEEDS_ENV]
    target = choose(targets, kind, tools, runbook, service, only)
    if isinstance(target, NoTarget):
        return target
    if target.unset:
        return Blocked(f"target {target.name!r} cannot be used: " + "; ".join(target.unset))
    if kind == "local":
        return Placement(target, text, tuple(placeholders), {}, dict(target.env))
    parts = connection_parts(target)
    found: dict[str, tuple[str, str]] = {}
    edits: list[int] = []
    for use in uses.uses:
        if use.tool not in POSTGRES_TOOLS | REDIS_TOOLS:
            continue
        refusal = option_values(use, parts, owners, found)
        if refusal:
            return Blocked(refusal)
        given = {o.role for o in use.options}
        if use.tool in REDIS_TOOLS and not given & {"host", "port", "socket", "url"}:
            if use.name_end is None:
                return Blocked(f"`{use.tool}` inside a nested script needs `-u {TARGET_URL}` to reach the target")
            edits.append(use.name_end)
    for end in sorted(edits, reverse=True):
        marked = marked[:end] + f" -u {TARGET_URL}" + marked[end:]
    values = {normalise(placeholder_name(raw)): Value(part, "target", f"{target.name}.{role}",
                                                      secret=role == "password")
              for raw, (role, part) in found.items()}
    if edits:
        values[normalise(placeholder_name(TARGET_URL))] = Value(parts["url"], "target", f"{target.name}.url")
    connection = Value(target.connection or "", "target", f"{target.name}.dsn", secret=True) \
        if kind == "postgres" else None
    try:
        env = {**target.env, **connection_env(target)}
    except ValueRefused as exc:
        return Blocked(f"target {target.name!r}: the dsn {exc}")
    return Placement(target, restore(marked, owners), (*placeholders, *([TARGET_URL] if edits else ())),
                     values, env, connection)
