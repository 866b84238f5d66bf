"""kubectl and oc: which verbs read, change, delete or need a terminal."""

from __future__ import annotations

from firebreak.runbook.commands.verdict import (
    Call,
    Context,
    Verdict,
    after_double_dash,
    destructive,
    mutating,
    needs_terminal,
    positionals,
    read_only,
)

TAKES_VALUE = frozenset({
    "-n", "--namespace", "--context", "--cluster", "--kubeconfig", "--user", "-s", "--server", "--token",
    "--as", "--as-group", "--request-timeout", "-l", "--selector", "-c", "--container", "-o", "--output",
    "-f", "--filename", "-p", "--patch", "--sort-by", "--field-selector", "--since", "--tail", "--type",
    "--image", "--replicas", "--template", "--timeout", "-L", "--label-columns", "-k", "--kustomize",
    "--from", "--restart", "--port", "--overrides", "--limits", "--requests", "--to-revision",
    "--cascade", "--grace-period", "--for", "--since-time", "--max-log-requests", "--prefix",
})
READ_VERBS = frozenset({"get", "describe", "explain", "api-resources", "api-versions", "version",
                        "cluster-info", "top", "diff", "events", "kustomize", "completion", "wait",
                        "whoami", "status", "projects", "observe", "options", "plugin", "extract"})
CHANGE_VERBS = frozenset({"apply", "create", "patch", "replace", "scale", "autoscale", "label", "annotate",
                          "set", "expose", "cordon", "uncordon", "taint", "cp", "certificate", "new-app",
                          "new-project", "project", "start-build", "tag", "import-image", "process", "login",
                          "logout", "rollback", "policy"})
DESTROY_VERBS = frozenset({"delete", "drain"})
TERMINAL_VERBS = {"edit": "opens an editor", "attach": "attaches to a running container",
                  "port-forward": "keeps forwarding a port until interrupted",
                  "proxy": "keeps a proxy running until interrupted", "rsh": "opens a remote shell",
                  "debug": "starts an interactive debugging session", "rsync": "copies files interactively",
                  "exec": "", "run": "", "logs": "", "config": "", "rollout": "", "adm": "", "auth": ""}
KNOWN_VERBS = READ_VERBS | CHANGE_VERBS | DESTROY_VERBS | frozenset(TERMINAL_VERBS)
ROLLOUT = {"history": "read", "status": "read", "restart": "change", "undo": "change", "pause": "change",
           "resume": "change", "latest": "change", "retry": "change", "cancel": "change"}


def wants_tty(call: Call) -> bool:
    """True when `-t`/`--tty` (alone or as in `-it`) comes before the `--` separator."""
    for arg in call.argv:
        if arg == "--":
            return False
        if arg == "--tty" or arg.startswith("--tty="):
            return not arg.endswith("=false")
        if arg.startswith("-") and not arg.startswith("--") and arg[1:].isalpha() and "t" in arg[1:]:
            return True
    return False


def verb_and_rest(call: Call) -> tuple[str, list[str]]:
    """The sub-command and its positional arguments."""
    words = positionals(call.argv, TAKES_VALUE)
    return (words[0], words[1:]) if words else ("", [])


def assess_kube(call: Call, ctx: Context) -> Verdict:
    """The verdict on a kubectl/oc command line."""
    tool = call.name
    verb, rest = verb_and_rest(call)
    if not verb:
        return read_only(f"{tool} without a sub-command prints help")
    if call.has("--dry-run") and verb not in READ_VERBS:
        return read_only(f"{tool} {verb} --dry-run changes nothing")
    target = " ".join(rest[:2]) or "resources"
    if verb == "get" or verb == "events":
        base = read_only(f"{tool} {verb} reads {target}")
        return needs_terminal(base, f"{tool} {verb} --watch runs until interrupted") \
            if call.has("-w", "--watch", "--watch-only") else base
    if verb in READ_VERBS:
        return read_only(f"{tool} {verb} only reads cluster state")
    if verb == "logs":
        base = read_only(f"{tool} logs reads container logs")
        return needs_terminal(base, f"{tool} logs -f follows the log until interrupted") \
            if call.has("-f", "--follow") else base
    if verb in ("exec", "rsh"):
        return _exec(call, ctx, verb, rest)
    if verb == "run":
        base = mutating(f"{tool} run creates a pod")
        return needs_terminal(base, f"{tool} run -it attaches a terminal") if wants_tty(call) else base
    if verb == "rollout":
        sub = rest[0] if rest else ""
        if ROLLOUT.get(sub) == "read":
            return read_only(f"{tool} rollout {sub} only reads rollout state")
        return mutating(f"{tool} rollout {sub} changes the workload ({' '.join(rest[1:2]) or 'rollout'})")
    if verb == "config":
        sub = rest[0] if rest else "view"
        if sub in ("view", "get-contexts", "current-context", "get-clusters", "get-users"):
            return read_only(f"{tool} config {sub} reads the local kubeconfig")
        return mutating(f"{tool} config {sub} changes the local kubeconfig")
    if verb == "auth":
        sub = rest[0] if rest else ""
        if sub in ("can-i", "whoami"):
            return read_only(f"{tool} auth {sub} only reads permissions")
        return mutating(f"{tool} auth {sub} changes RBAC objects")
    if verb == "adm":
        return _adm(call, rest)
    if verb in DESTROY_VERBS:
        what = "evicts every pod from the node" if verb == "drain" else f"deletes {target}"
        return destructive(f"{tool} {verb} {what}")
    if verb == "replace" and call.has("--force"):
        return destructive(f"{tool} replace --force deletes and re-creates {target}")
    if verb in ("edit", "debug"):
        return needs_terminal(mutating(f"{tool} {verb} changes {target}"), f"{tool} {verb} {TERMINAL_VERBS[verb]}")
    if TERMINAL_VERBS.get(verb):
        return needs_terminal(read_only(f"{tool} {verb} changes no cluster state"),
                              f"{tool} {verb} {TERMINAL_VERBS[verb]}")
    if verb in ("set", "create") and len(rest) > 1:
        return mutating(f"{tool} {verb} {rest[0]} changes {' '.join(rest[1:3])}")
    if verb in CHANGE_VERBS:
        return mutating(f"{tool} {verb} changes {target}")
    return mutating(f"unknown {tool} sub-command {verb!r}; treated as changing state")


def _exec(call: Call, ctx: Context, verb: str, rest: list[str]) -> Verdict:
    tool = call.name
    inner = after_double_dash(call.argv)
    if not inner and verb == "rsh" and len(rest) > 1:
        inner = rest[1:]
    if not inner and verb == "exec" and len(rest) > 1:
        inner = rest[1:]
    if not inner:
        return needs_terminal(read_only(f"{tool} {verb} without a command changes nothing by itself"),
                              f"{tool} {verb} opens an interactive shell in the container")
    base = ctx.argv(inner, call.stdin_text)
    if verb == "rsh":
        return base
    if wants_tty(call):
        return needs_terminal(base, f"{tool} exec -t allocates an interactive terminal")
    return base


def _adm(call: Call, rest: list[str]) -> Verdict:
    tool = call.name
    sub = rest[0] if rest else ""
    if sub in ("top", "inspect", "node-logs", "policy", "release") or (sub == "upgrade" and not _upgrades(call)):
        return read_only(f"{tool} adm {sub} only reads cluster state")
    if sub == "drain":
        return destructive(f"{tool} adm drain evicts every pod from the node")
    if sub == "must-gather":
        return mutating(f"{tool} adm must-gather starts collection pods and writes a local folder")
    return mutating(f"{tool} adm {sub} changes cluster state")


def _upgrades(call: Call) -> bool:
    return call.has("--to", "--to-latest", "--to-image", "--to-multi-arch", "--clear")
