"""The `targets` of a service and the `label_placeholders` allow-list: where runbook commands run, and
which placeholders alert labels may fill.

A runbook command runs only against an execution target its service declares:

    local     the Firebreak host, with the environment the target declares (and nothing else)
    postgres  `psql` and SQL steps, connected to the target's `dsn`
    redis     `redis-cli`, connected to the target's `url`

`dsn`, `url` and every `env` value may be literal or an `env:NAME` / `file:/path` reference, read
when a step runs. `tools` limits a target to some tools (e.g. `[kubectl]`) and `runbooks` to some
runbooks (slugs); both are empty (everything) by default and decide between several targets.

Alert labels are sent by whoever sends alerts, so they fill only the placeholders listed in
`label_placeholders` (top level, extended per service), and never one whose name is address-shaped
(a host, URL, DSN, endpoint, port …): where a command connects comes from the configuration only.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal
from urllib.parse import urlsplit

from psycopg import conninfo
from psycopg.errors import ProgrammingError
from pydantic import AfterValidator, Field, field_serializer, model_validator

from firebreak.config.types import Name, Strict
from firebreak.kernel.redact import redact
from firebreak.security.secrets import ENV_NAME, is_reference

TargetKind = Literal["local", "postgres", "redis"]
REDIS_SCHEMES = ("redis", "rediss", "unix")
# Words that make a placeholder name name a place to connect to. Prometheus' `instance` is host:port.
ADDRESS_WORDS = frozenset({"url", "uri", "dsn", "conninfo", "host", "hostname", "hostaddr", "endpoint",
                           "address", "addr", "ip", "server", "port", "socket", "target", "instance",
                           "connection", "proxy", "domain", "fqdn"})
DEFAULT_LABEL_PLACEHOLDERS = ("alertname", "severity", "service", "job", "namespace", "pod", "container",
                              "deployment", "statefulset", "daemonset", "replicaset", "cronjob")


def placeholder_key(name: str) -> str:
    """`<POD_NAME>`, `pod-name` and `Pod Name` all become `pod_name` (as runbook lookup compares them)."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def is_address_name(name: str) -> bool:
    """True when a placeholder name says it holds a host, URL, DSN, port or other place to connect to."""
    return any(part in ADDRESS_WORDS for part in placeholder_key(name).split("_"))


def _label_placeholder(name: str) -> str:
    key = placeholder_key(name)
    if not key:
        raise ValueError(f"{name!r} is not a placeholder name")
    if is_address_name(key):
        raise ValueError(f"{name!r} names an address (host, URL, DSN, port …); where a command connects "
                         "comes from the service's targets, never from alert labels")
    return key


LabelPlaceholder = Annotated[str, AfterValidator(_label_placeholder)]


def _env_name(name: str) -> str:
    if not ENV_NAME.fullmatch(name):
        raise ValueError(f"{name!r} is not a valid environment variable name")
    return name


EnvName = Annotated[str, AfterValidator(_env_name)]


def check_dsn(dsn: str) -> None:
    """A literal PostgreSQL connection string (URL or key=value) must parse."""
    try:
        conninfo.conninfo_to_dict(dsn)
    except ProgrammingError as exc:
        raise ValueError("dsn is not a valid PostgreSQL connection string (postgresql://user@host:5432/db "
                         "or 'host=… dbname=…')") from exc


def check_redis_url(url: str) -> None:
    """A literal Redis URL must be redis://, rediss:// or unix:// with a host (or a socket path)."""
    parts = urlsplit(url)
    if parts.scheme not in REDIS_SCHEMES or (parts.scheme != "unix" and not parts.hostname) \
            or (parts.scheme == "unix" and not parts.path):
        raise ValueError("url is not a Redis URL (redis://[:password@]host:6379/0, rediss://… or unix:///path)")
    try:
        _ = parts.port
    except ValueError as exc:
        raise ValueError("url has an invalid port") from exc


class TargetSpec(Strict):
    """One execution target of a service (see the module docstring)."""

    name: Name
    kind: TargetKind
    dsn: str | None = Field(default=None, min_length=1)
    url: str | None = Field(default=None, min_length=1)
    env: dict[EnvName, str] = Field(default_factory=dict)
    tools: list[Name] = Field(default_factory=list)
    runbooks: list[Name] = Field(default_factory=list)

    @model_validator(mode="after")
    def _connection(self) -> TargetSpec:
        wanted = {"postgres": "dsn", "redis": "url"}.get(self.kind)
        for field in ("dsn", "url"):
            given = getattr(self, field) is not None
            if given and field != wanted:
                raise ValueError(f"a {self.kind} target has no {field!r}"
                                 + (f"; it connects with {wanted!r}" if wanted else ""))
        if wanted is None:
            return self
        value = getattr(self, wanted)
        if value is None:
            raise ValueError(f"a {self.kind} target needs {wanted!r} (literal, env:NAME or file:/path)")
        if not is_reference(value):
            (check_dsn if wanted == "dsn" else check_redis_url)(value)
        return self

    @field_serializer("dsn", "url")
    def _shown(self, value: str | None) -> str | None:
        """A literal DSN or URL is shown (configuration views, dumps) without its password."""
        return redact(value) if value is not None else None

    @property
    def connection(self) -> str | None:
        """The DSN or URL as written (a reference or a literal), None for a local target."""
        return self.dsn if self.kind == "postgres" else self.url if self.kind == "redis" else None
