"""Execute: which programs a shell command starts, and where `psql` / `redis-cli` are told to connect (pure).

A command is read as bash reads it (shell_scan, on text whose placeholders are sentinels). For each
simple command the program is the first word after variable assignments and wrappers (`sudo`,
`timeout`, `xargs`, `env`, `nice` …); scripts given to `sh -c` (and other shells) are read the same
way, scripts that run elsewhere (`ssh HOST …`, `kubectl exec … --`) are not: their programs run on
that other machine. For `psql` and `redis-cli` the connection options (`-h`, `-p`, `-u URL`, a
connection string as database name …) are listed with the word that gives them, so the caller can
fill them from the step's target or refuse what the runbook wrote itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from firebreak.runbook.execute.layers import SHELLS, name_of, nested_script
from firebreak.runbook.execute.shell_scan import scan_shell
from firebreak.runbook.execute.shell_words import ASSIGNMENT

WRAPPER_VALUES = {
    "sudo": frozenset({"-u", "-g", "-C", "-D", "-p", "-r", "-t", "-U", "-h", "--user", "--group"}),
    "timeout": frozenset({"-s", "--signal", "-k", "--kill-after"}),
    "xargs": frozenset({"-n", "-I", "-L", "-P", "-s", "-d", "-E", "-a", "--max-args", "--max-procs",
                        "--delimiter", "--arg-file", "--max-lines", "--max-chars"}),
    "nice": frozenset({"-n", "--adjustment"}), "ionice": frozenset({"-c", "-n", "-p", "--class"}),
    "env": frozenset({"-u", "--unset", "-C", "--chdir", "-S"}), "stdbuf": frozenset({"-i", "-o", "-e"}),
    "nohup": frozenset(), "command": frozenset(), "time": frozenset(), "exec": frozenset(),
    "chronic": frozenset(), "unbuffer": frozenset(),
}
TAKES_OPERAND = frozenset({"timeout"})  # `timeout DURATION COMMAND`
POSTGRES_TOOLS = frozenset({"psql", "gitlab-psql", "pg_isready", "pg_dump", "pg_dumpall", "pg_restore",
                            "vacuumdb", "reindexdb", "clusterdb", "pg_basebackup", "pgbench", "createdb",
                            "dropdb", "createuser", "dropuser"})
REDIS_TOOLS = frozenset({"redis-cli", "gitlab-redis-cli"})
PSQL_SHORT = {"h": "host", "p": "port", "U": "user", "d": "dbname", "c": None, "f": None, "v": None,
              "P": None, "o": None, "L": None, "F": None, "R": None, "T": None, "C": None}
PSQL_LONG = {"--host": "host", "--port": "port", "--username": "user", "--dbname": "dbname", "--command": None,
             "--file": None, "--set": None, "--variable": None, "--pset": None, "--output": None,
             "--log-file": None, "--field-separator": None, "--record-separator": None, "--table-attr": None}
PSQL_POSITIONAL = ("dbname", "user")
REDIS_CONNECT = {"-h": "host", "-p": "port", "-s": "socket", "-u": "url", "-a": "password", "--user": "user",
                 "--pass": "password"}
REDIS_VALUES = frozenset({"-n", "-r", "-i", "-d", "-D", "--pattern", "--count", "--cacert", "--cacertdir",
                          "--cert", "--key", "--sni", "--tls-ciphers", "--tls-ciphersuites", "--eval", "--rdb",
                          "--functions-rdb", "--memkeys-samples", "--quoted-pattern", "-t"})


@dataclass(frozen=True)
class Option:
    """One connection setting a command gives its client: `host`, `port`, `url` … and the word giving it."""

    role: str
    word: str
    literal: bool = True


@dataclass(frozen=True)
class Use:
    """One program a command starts: its name, its connection options, where its name ends (top level only)."""

    tool: str
    options: tuple[Option, ...] = ()
    name_end: int | None = None
    nested: bool = False


@dataclass
class Uses:
    """Every program a command starts on this host."""

    uses: list[Use] = field(default_factory=list)

    @property
    def tools(self) -> list[str]:
        return list(dict.fromkeys(use.tool for use in self.uses))


def program_at(words: list[str]) -> int | None:
    """Index of the program among a simple command's words, past assignments and wrappers."""
    index = 0
    while index < len(words):
        word = words[index]
        if ASSIGNMENT.match(word):
            index += 1
            continue
        name = name_of(word)
        if name not in WRAPPER_VALUES:
            return index
        values = WRAPPER_VALUES[name]
        index += 1
        while index < len(words) and words[index].startswith("-") and words[index] != "-":
            index += 2 if words[index] in values else 1
        if name == "env":
            while index < len(words) and ASSIGNMENT.match(words[index]):
                index += 1
        if name in TAKES_OPERAND:
            index += 1
    return None


def psql_options(words: list[str], at: int, literal: list[bool]) -> list[Option]:
    """Connection options of `psql` (words[at]): -h, -p, -U, -d, their long forms, and positional names."""
    out: list[Option] = []
    positional = 0
    j = at + 1
    while j < len(words):
        word = words[j]
        if word.startswith("--") and "=" in word:
            key, value = word.split("=", 1)
            if PSQL_LONG.get(key):
                out.append(Option(PSQL_LONG[key] or "", value, literal[j]))
        elif word in PSQL_LONG:
            role = PSQL_LONG[word]
            if role and j + 1 < len(words):
                out.append(Option(role, words[j + 1], literal[j + 1]))
            j += 1
        elif word.startswith("-") and len(word) > 1 and not word.startswith("--"):
            for position, letter in enumerate(word[1:]):
                if letter in PSQL_SHORT:
                    rest = word[position + 2:]
                    given = j if rest else j + 1
                    value = rest if rest else (words[j + 1] if j + 1 < len(words) else "")
                    if not rest:
                        j += 1
                    role = PSQL_SHORT[letter]
                    if role:
                        out.append(Option(role, value, given >= len(words) or literal[given]))
                    break
        elif not word.startswith("-"):
            if positional < len(PSQL_POSITIONAL):
                out.append(Option(PSQL_POSITIONAL[positional], word, literal[j]))
            positional += 1
        j += 1
    return out


def redis_options(words: list[str], at: int, literal: list[bool]) -> list[Option]:
    """Connection options of `redis-cli` (words[at]); its options end at the first word that is not one."""
    out: list[Option] = []
    j = at + 1
    while j < len(words) and words[j].startswith("-"):
        word = words[j]
        if word in REDIS_CONNECT:
            given = j + 1 < len(words)
            out.append(Option(REDIS_CONNECT[word], words[j + 1] if given else "", not given or literal[j + 1]))
            j += 2
            continue
        j += 2 if word in REDIS_VALUES else 1
    return out


def find_uses(text: str, depth: int = 0) -> Uses:
    """The programs `text` (placeholders as sentinels) starts on this host (see the module docstring)."""
    out = Uses()
    for command in scan_shell(text).commands:
        words = [w.text for w in command.words]
        literal = [w.literal for w in command.words]
        at = program_at(words)
        if at is None:
            continue
        tool = name_of(words[at])
        options: list[Option] = []
        if tool in POSTGRES_TOOLS:
            options = psql_options(words, at, literal)
        elif tool in REDIS_TOOLS:
            options = redis_options(words, at, literal)
        out.uses.append(Use(tool, tuple(options), None if depth else command.words[at].end, nested=depth > 0))
        if tool in SHELLS | {"su", "runuser", "watch"} and depth < 4:
            nested = nested_script(words, at)
            if nested is not None:
                out.uses.extend(find_uses(nested[1], depth + 1).uses)
    return out
