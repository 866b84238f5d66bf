"""Command-line facts for lint: sub-commands tools do not have, obsolete forms, non-portable flags."""

from __future__ import annotations

import difflib
import re

from firebreak.runbook.commands import aws, kube, ops, redis
from firebreak.runbook.commands.verdict import Call
from firebreak.runbook.lint.invocations import Invocation
from firebreak.runbook.lint.sqlcheck import SqlIssue

OC_EXTRA = frozenset({"adm", "new-app", "new-build", "start-build", "rsh", "rsync", "project", "projects",
                      "login", "logout", "whoami", "status", "observe", "image", "extract", "process", "policy",
                      "registry", "tag", "import-image", "idle", "secrets", "serviceaccounts", "cancel-build",
                      "ex", "get-token", "version", "debug", "set", "rollback", "rollout"})
REDIS_KEY_COMMANDS = frozenset({"del", "unlink", "exists", "expire", "pexpire", "persist", "ttl", "pttl",
                                "type", "get", "touch"})
SCRIPT_TOOLS = frozenset({"awk", "gawk", "sed", "jq", "yq", "perl", "python", "python3", "ruby", "node", "bash",
                          "sh", "zsh", "watch", "ssh", "xargs", "su", "psql", "gitlab-psql", "mysql", "kubectl",
                          "oc", "redis-cli", "find", "parallel", "env", "sudo", "docker", "podman", "grep", "printf",
                          "echo"})
# (tool, flag test, message, hint)
PORTABILITY: tuple[tuple[str, str, str, str], ...] = (
    ("date", r"^-v[+-]?\d*[ymwdHMS]?$", "date -v exists only in BSD/macOS date; GNU date (Linux) rejects it",
     "use date -d '1 hour ago' on Linux, or compute the time with a portable tool"),
    ("date", r"^-j$", "date -j exists only in BSD/macOS date", "use date -d on Linux"),
    ("sed", r"^-r$", "sed -r exists only in GNU sed; BSD/macOS sed uses -E", "use -E, which both accept"),
    ("grep", r"^-[a-zA-Z]*P[a-zA-Z]*$", "grep -P (Perl regex) exists only in GNU grep",
     "use grep -E with a POSIX pattern"),
    ("stat", r"^-c$|^--format", "stat -c is GNU-only; BSD/macOS stat uses -f", "use a tool that is the same on both"),
    ("du", r"^-[a-zA-Z]*b[a-zA-Z]*$", "du -b exists only in GNU du", "use du -k and multiply, or wc -c"),
    ("find", r"^-printf$", "find -printf exists only in GNU find", "use -exec stat or -print with a pipe"),
)


def _close(word: str, options: frozenset[str] | set[str]) -> str:
    match = difflib.get_close_matches(word, sorted(options), n=1, cutoff=0.6)
    return f"did you mean {match[0]!r}?" if match else "check the tool's help for the right name"


def check_invocation(item: Invocation) -> list[SqlIssue]:
    """Problems with one program call."""
    tool = item.tool
    issues: list[SqlIssue] = []
    if tool in ("kubectl", "oc"):
        issues.extend(_kube(item))
    elif tool == "aws":
        service, _ = aws.service_and_operation(_call(item))
        if service and service not in aws.SERVICES and not service.startswith("$"):
            fixed = service.replace("elasticcache", "elasticache")
            hint = (f"did you mean `aws {fixed.replace('-', ' ', 1)}`?" if fixed.split("-", 1)[0] in aws.SERVICES
                    else _close(service, aws.SERVICES))
            issues.append(SqlIssue("unknown-subcommand", f"aws has no service {service!r}", hint))
    elif tool in ("docker", "podman"):
        words = ops.docker_words(_call(item))
        if words and words[0] not in ops.DOCKER_KNOWN and not words[0].startswith("$"):
            issues.append(SqlIssue("unknown-subcommand", f"{tool} has no sub-command {words[0]!r}",
                                   _close(words[0], ops.DOCKER_KNOWN)))
    elif tool == "docker-compose":
        issues.append(SqlIssue("obsolete-command", "docker-compose (Compose v1) reached end of life in 2023",
                               "use `docker compose`"))
    elif tool in ("redis-cli", "gitlab-redis-cli"):
        _, command = redis.split_cli(list(item.argv))
        issues.extend(redis_issues(command))
    if tool in ("kubectl", "oc", "docker", "podman") and "--" in item.argv and ("exec" in item.argv
                                                                               or "run" in item.argv):
        inner = item.words[list(item.argv).index("--") + 1:]
        globbed = next((w.value for w in inner if not w.quoted and re.search(r"[*?]|\[.*\]", w.value)), None)
        if globbed:
            issues.append(SqlIssue("wrong-command", f"{globbed} is expanded by the local shell before {tool} runs, "
                                   "so the container sees local file names",
                                   f"quote it and let a shell in the container expand it: -- sh -c '… {globbed}'"))
    if tool == "echo" and not any(a.startswith("-") and "e" in a for a in item.argv[:1]) \
            and any("\\n" in a or "\\t" in a for a in item.argv):
        issues.append(SqlIssue("non-portable-flag", "echo prints \\n literally in bash but as a newline in sh/dash",
                               "use printf, which behaves the same everywhere"))
    for name, pattern, message, hint in PORTABILITY:
        if tool == name and any(re.match(pattern, arg) for arg in item.argv):
            issues.append(SqlIssue("non-portable-flag", message, hint))
    if tool == "sed" and "-i" in item.argv and item.argv[item.argv.index("-i") + 1:][:1] == [""]:
        issues.append(SqlIssue("non-portable-flag", "sed -i '' is the BSD/macOS form; GNU sed takes '' as the script",
                               "use sed -i.bak (both accept it) and remove the backup"))
    if tool not in SCRIPT_TOOLS:
        for word in item.words:
            if word.quoted == "'" and re.search(r"\$\(|`", word.value):
                issues.append(SqlIssue("wrong-command", f"{tool} receives a literal $(…): command substitution "
                                       "inside single quotes is never run",
                                       "use double quotes around the argument so the shell expands it"))
                break
    return issues


def redis_issues(command: list[str]) -> list[SqlIssue]:
    """Redis commands that do not exist or cannot take patterns."""
    if not command:
        return []
    name = command[0].lower()
    if name.startswith("$") or name.startswith("__ph_"):
        return []
    if name not in redis.KNOWN:
        return [SqlIssue("unknown-subcommand", f"Redis has no command {command[0]!r}", _close(name, redis.KNOWN))]
    if name in REDIS_KEY_COMMANDS and any(re.search(r"[*?\[]", arg) for arg in command[1:]):
        return [SqlIssue("wrong-command", f"Redis {name.upper()} takes key names, not patterns; the shell may also "
                         "expand the unquoted *", "list the keys with redis-cli --scan --pattern '…' and pipe them "
                         "to xargs redis-cli " + name.upper())]
    if name == "slaveof":
        return [SqlIssue("obsolete-command", "SLAVEOF is deprecated since Redis 5", "use REPLICAOF")]
    return []


def _call(item: Invocation) -> Call:
    return Call(name=item.tool, argv=list(item.argv), stdin_text=item.stdin_text)


def _kube(item: Invocation) -> list[SqlIssue]:
    call = _call(item)
    verb, rest = kube.verb_and_rest(call)
    issues: list[SqlIssue] = []
    known = kube.KNOWN_VERBS | (OC_EXTRA if item.tool == "oc" else frozenset())
    if verb and verb not in known and not verb.startswith("$"):
        hint = "use `kubectl logs`" if verb == "log" else _close(verb, known)
        issues.append(SqlIssue("unknown-subcommand", f"{item.tool} has no sub-command {verb!r}", hint))
    if verb == "exec" and "--" not in item.argv and len(rest) > 1:
        issues.append(SqlIssue("obsolete-command", f"{item.tool} exec POD COMMAND without -- was removed",
                               "put -- before the command: kubectl exec POD -- COMMAND"))
    cascade = call.value("--cascade")
    if cascade in ("true", "false"):
        issues.append(SqlIssue("obsolete-command", f"--cascade={cascade} is deprecated",
                               "use --cascade=background or --cascade=orphan"))
    if call.has("--generator"):
        issues.append(SqlIssue("obsolete-command", "kubectl run --generator was removed", "drop --generator"))
    if verb == "get" and rest[:1] and rest[0] in ("cs", "componentstatuses", "componentstatus"):
        issues.append(SqlIssue("obsolete-command", "componentstatuses is deprecated since Kubernetes 1.19",
                               "check the control-plane pods or /readyz instead"))
    return issues
