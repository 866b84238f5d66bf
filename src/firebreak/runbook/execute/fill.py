"""Execute: fill a runbook command's placeholders and produce the exact plan to run (pure).

A simple command becomes an argument vector — no shell reads the values at all. Anything that needs
a shell (pipes, redirections, expansions, several lines) runs as a fixed `bash -c SCRIPT` in which
each value is shell-quoted for the context it sits in (see layers, quoting). A value bound for a
second interpreter's program (awk, sed, jq, grep, perl -e …) goes in as data or is refused first
(see programs). SQL steps run through
`psql -f -` with the SQL on standard input and the connection in PG* environment variables.
A command with a placeholder that has no value, or a value that cannot be placed safely, is
Blocked with a message naming each problem; nothing runs.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from psycopg import conninfo
from psycopg.errors import ProgrammingError

from firebreak.runbook.commands.placeholders import placeholder_name
from firebreak.runbook.execute.layers import analyse_layers
from firebreak.runbook.execute.programs import secure_programs
from firebreak.runbook.execute.quoting import ValueRefused, quote_layers
from firebreak.runbook.execute.shell_words import SENTINEL
from firebreak.runbook.execute.sources import Sources, Value, lookup, missing_message
from firebreak.runbook.execute.sql_scan import scan_sql

Mode = Literal["argv", "bash", "psql"]
BASH = ("bash", "--noprofile", "--norc", "-c")
PSQL = ("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-P", "pager=off", "-f", "-")
PG_ENV = {"host": "PGHOST", "hostaddr": "PGHOSTADDR", "port": "PGPORT", "user": "PGUSER",
          "password": "PGPASSWORD", "dbname": "PGDATABASE", "sslmode": "PGSSLMODE",
          "application_name": "PGAPPNAME", "connect_timeout": "PGCONNECT_TIMEOUT", "options": "PGOPTIONS",
          "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY",
          "target_session_attrs": "PGTARGETSESSIONATTRS", "passfile": "PGPASSFILE"}
MASK = "****"


@dataclass(frozen=True)
class Plan:
    """The exact process to start: argument vector, standard input, extra environment."""

    argv: tuple[str, ...]
    stdin: str | None
    env: Mapping[str, str]
    mode: Mode
    values: Mapping[str, Value]
    secrets: tuple[str, ...] = ()
    script: str | None = None

    @property
    def display(self) -> str:
        """The command as a person reads it, with secret values masked."""
        if self.mode == "bash" and self.script is not None:
            text = self.script
        elif self.mode == "psql":
            text = f"{shlex.join(self.argv)} <<'SQL'\n{self.stdin or ''}\nSQL"
        else:
            text = shlex.join(self.argv)
        return mask(text, self.secrets)

    @property
    def shown_argv(self) -> list[str]:
        return [mask(arg, self.secrets) for arg in self.argv]


@dataclass(frozen=True)
class Blocked:
    """The step cannot run as it stands; `reason` says what to do, `missing` names absent values."""

    reason: str
    missing: tuple[str, ...] = ()
    values: Mapping[str, Value] = field(default_factory=dict)


def mask(text: str, secrets: tuple[str, ...]) -> str:
    """Replace every secret value (longest first) with a mask."""
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= 3:
            text = text.replace(secret, MASK)
    return text


def locate(text: str, raws: list[str]) -> list[tuple[int, int, str]]:
    """Non-overlapping occurrences of each placeholder as written, left to right."""
    spans: list[tuple[int, int, str]] = []
    for raw in sorted(raws, key=len, reverse=True):
        if raw.startswith(("<", "${")) or raw == "...":
            pattern = re.escape(raw)
        elif raw.startswith("$"):
            pattern = re.escape(raw) + r"(?![A-Za-z0-9_])"
        else:
            pattern = r"(?<![A-Za-z0-9_$\-])" + re.escape(raw) + r"(?![A-Za-z0-9_])"
        for match in re.finditer(pattern, text):
            if not any(a < match.end() and match.start() < b for a, b, _ in spans):
                spans.append((match.start(), match.end(), raw))
    return sorted(spans)


def sentinelise(text: str, spans: list[tuple[int, int, str]]) -> tuple[str, dict[int, str]]:
    """`text` with each occurrence replaced by a sentinel; sentinel number → placeholder as written."""
    out: list[str] = []
    owners: dict[int, str] = {}
    last = 0
    for number, (start, end, raw) in enumerate(spans):
        out.append(text[last:start])
        out.append(f"FBPH{number}Q")
        owners[number] = raw
        last = end
    out.append(text[last:])
    return "".join(out), owners


def restore(text: str, owners: Mapping[int, str]) -> str:
    """Put the placeholders as written back in place of their sentinels."""
    return SENTINEL.sub(lambda m: owners.get(int(m.group(1)), m.group(0)), text)


def resolve_values(raws: list[str], sources: Sources) -> Blocked | dict[str, Value]:
    """A value for every placeholder, or Blocked naming each missing one."""
    values: dict[str, Value] = {}
    missing: list[str] = []
    unset: dict[str, str] = {}
    for raw in raws:
        if raw == "...":
            missing.append(raw)
            continue
        found = lookup(placeholder_name(raw), sources)
        if found.value is None:
            missing.append(raw)
            if found.unset_variable:
                unset[raw] = found.unset_variable
        else:
            values[raw] = found.value
    if missing:
        return Blocked(missing_message(missing, unset, sources.service, sources), tuple(missing), values)
    return values


def pg_environment(dsn: str) -> dict[str, str]:
    """A PostgreSQL connection string (URL or key=value) as PG* variables, keeping it off the command line."""
    try:
        params = conninfo.conninfo_to_dict(dsn)
    except ProgrammingError as exc:
        raise ValueRefused("is not a valid PostgreSQL connection string") from exc
    return {PG_ENV[key]: str(value) for key, value in params.items() if key in PG_ENV and value is not None}


def sql_target(sources: Sources) -> Value | None:
    """The database SQL steps run against: the connection of the step's postgres target, nothing else."""
    return sources.connection


def placement_problems(text: str, placeholders: list[str]) -> list[tuple[str, str]]:
    """Placeholders of a bash command that no value could fill where they stand, with why (for lint)."""
    spans = locate(text, placeholders)
    marked, owners = sentinelise(text, spans)
    secured = secure_programs(marked, {sid: placeholder_name(raw) for sid, raw in owners.items()})
    refused = {**analyse_layers(secured.text).problems, **secured.problems}
    return [(owners[sid], why) for sid, why in sorted(refused.items())]


def fill_command(text: str, language: str, placeholders: list[str], sources: Sources) -> Plan | Blocked:
    """Fill `text` (a bash or SQL command from a runbook) from `sources`; see the module docstring."""
    if language not in ("bash", "sql"):
        return Blocked(f"only bash and sql commands can run; this one is {language}")
    spans = locate(text, placeholders)
    raws = list(dict.fromkeys(raw for _, _, raw in spans))
    resolved = resolve_values(raws, sources)
    if isinstance(resolved, Blocked):
        return resolved
    secrets = tuple(v.text for v in resolved.values() if v.secret)
    marked, owners = sentinelise(text, spans)
    if language == "sql":
        return fill_sql(marked, owners, resolved, sources, secrets)
    secured = secure_programs(marked, {sid: placeholder_name(raw) for sid, raw in owners.items()})
    marked = secured.text
    layers = analyse_layers(marked)
    for sid, inner in secured.layers.items():
        if sid in layers.chains:
            layers.chains[sid] = [*layers.chains[sid], inner]
    refused = {**layers.problems, **secured.problems}
    problems = [f"{owners[sid]} is {why}" for sid, why in sorted(refused.items())]
    problems += [f"{owners[sid]} is in a place Firebreak cannot fill safely" for sid in sorted(owners)
                 if sid not in layers.chains and sid not in refused]
    if problems:
        return Blocked("cannot fill: " + "; ".join(problems), values=resolved)
    def placed(chain_from: int) -> object:
        def one(match: re.Match[str]) -> str:
            sid = int(match.group(1))
            return place(owners[sid], resolved[owners[sid]], layers.chains[sid][chain_from:])
        return one

    try:
        scan = layers.scan
        single = len(scan.commands) == 1 and not scan.commands[0].heredocs
        if not scan.needs_shell and single:
            argv = tuple(SENTINEL.sub(placed(1), word.text) for word in scan.commands[0].words)  # type: ignore[arg-type]
            return Plan(argv=argv, stdin=None, env={}, mode="argv", values=resolved, secrets=secrets)
        script = SENTINEL.sub(placed(0), marked)  # type: ignore[arg-type]
    except ValueRefused as exc:
        return Blocked(str(exc), values=resolved)
    return Plan(argv=(*BASH, script), stdin=None, env={}, mode="bash", values=resolved, secrets=secrets,
                script=script)


def place(raw: str, value: Value, chain: list[str]) -> str:
    """One value quoted through its chain of contexts; ValueRefused names the placeholder and source."""
    try:
        return quote_layers(chain, value.text, raw)
    except ValueRefused as exc:
        raise ValueRefused(f"the value for {raw} (from {value.source} {value.key!r}) {exc}") from exc


def fill_sql(marked: str, owners: dict[int, str], resolved: dict[str, Value], sources: Sources,
             secrets: tuple[str, ...]) -> Plan | Blocked:
    """A SQL step: literal-quoted values, run by psql against the service's database."""
    contexts, problems = scan_sql(marked)
    issues = [f"{owners[sid]} is {why}" for sid, why in sorted(problems.items())]
    if issues:
        return Blocked("cannot fill: " + "; ".join(issues), values=resolved)
    target = sql_target(sources)
    if target is None:
        where = f"service {sources.service}" if sources.service else "the incident's service"
        return Blocked(f"no database to run this SQL against: declare a postgres target on {where}",
                       values=resolved)
    try:
        sql = SENTINEL.sub(lambda m: place(owners[int(m.group(1))], resolved[owners[int(m.group(1))]],
                                           [f"sql:{contexts[int(m.group(1))]}"]), marked)
        env = pg_environment(target.text)
    except ValueRefused as exc:
        return Blocked(f"target {target.key!r} {exc}" if "connection string" in str(exc) else str(exc),
                       values=resolved)
    return Plan(argv=PSQL, stdin=sql, env=env, mode="psql", values=resolved,
                secrets=(*secrets, *([target.text] if target.secret else []),
                         *([env["PGPASSWORD"]] if "PGPASSWORD" in env else [])))
