"""Execute: adapt commands that expect a terminal so they can run unattended, or refuse them (pure).

`kubectl exec -it` / `docker exec -it` lose `-it`; followers (`tail -f`, `kubectl logs -f`,
`journalctl -f`, `kubectl get -w`, `redis-cli MONITOR`) run under `timeout` for a bounded time;
`watch CMD` becomes a loop bounded the same way; `top` runs one batch iteration. Shells, editors,
pagers, `ssh`, and database prompts with nothing to run are refused with the reason. Works on text
whose placeholders are already sentinels, so the result is filled like any other command.
"""

from __future__ import annotations

import posixpath
import shlex
from dataclasses import dataclass

from firebreak.runbook.execute.fill import locate, restore, sentinelise
from firebreak.runbook.execute.shell_scan import scan_shell
from firebreak.runbook.execute.shell_words import SimpleCommand

TTY_FLAGS = frozenset({"-it", "-ti", "-i", "-t", "--stdin", "--tty", "--stdin=true", "--tty=true",
                       "-i=true", "-t=true"})
EXEC_TOOLS = frozenset({"kubectl", "oc", "docker", "podman", "nerdctl"})
DOCKER_VALUES = frozenset({"-e", "--env", "-u", "--user", "-w", "--workdir", "--env-file", "--name", "-v",
                           "--volume", "-p", "--publish", "--network", "--entrypoint", "--platform"})
SHELLS = frozenset({"sh", "bash", "zsh", "ash", "dash", "ksh", "fish"})
REFUSED = {
    "ssh": "logs in to another host interactively; Firebreak runs steps on its own host",
    "vi": "opens an editor", "vim": "opens an editor", "nano": "opens an editor", "emacs": "opens an editor",
    "less": "opens a pager", "more": "opens a pager", "htop": "is a full-screen monitor",
    "btop": "is a full-screen monitor", "iftop": "is a full-screen monitor", "k9s": "is a full-screen UI",
    "tmux": "opens a terminal multiplexer", "screen": "opens a terminal multiplexer",
    "open": "opens a desktop application", "mc": "is a full-screen file manager",
}
KUBE_REFUSED = {"edit": "opens an editor", "attach": "attaches to a running terminal",
                "port-forward": "keeps a tunnel open until interrupted", "proxy": "serves until interrupted"}
REDIS_VALUES = frozenset({"-h", "-p", "-a", "-n", "-u", "-s", "--user", "--pass", "--tls", "--cacert",
                          "--cert", "--key", "-r", "-i", "--pattern", "--count"})
REDIS_FOLLOW = frozenset({"--stat", "--latency", "--latency-history", "--latency-dist", "-i"})


@dataclass(frozen=True)
class Adapted:
    """The command as it will run, and what was changed (empty when nothing was)."""

    text: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Refused:
    """The command cannot run unattended; `reason` says why."""

    reason: str


def name(word: str) -> str:
    return posixpath.basename(word)


def adapt_step(text: str, placeholders: list[str], *, follow_seconds: int = 10) -> Adapted | Refused:
    """Adapt a runbook command whose placeholders are still as written (`<POD>` is not a redirection)."""
    marked, owners = sentinelise(text, locate(text, placeholders))
    result = adapt_command(marked, follow_seconds=follow_seconds)
    if isinstance(result, Refused):
        return Refused(restore(result.reason, owners))
    return Adapted(restore(result.text, owners), tuple(restore(n, owners) for n in result.notes))


def adapt_command(text: str, *, follow_seconds: int = 10) -> Adapted | Refused:
    """Adapt `text` whose placeholders are sentinels; edits keep the rest of the text as written."""
    scan = scan_shell(text)
    edits: list[tuple[int, int, str]] = []
    notes: list[str] = []
    bound = f"timeout -s INT {follow_seconds} "
    for position, command in enumerate(scan.commands):
        words = [w.text for w in command.words]
        if not words:
            continue
        first = name(words[0])
        offset = 1 if first in ("sudo", "nice", "nohup", "command") and len(words) > 1 else 0
        tool = name(words[offset])
        if tool in REFUSED:
            return Refused(f"`{tool}` {REFUSED[tool]}")
        if tool in EXEC_TOOLS and len(words) > offset + 1:
            result = adapt_exec(command, offset, edits, notes)
            if isinstance(result, Refused):
                return result
        if tool == "watch":
            edits.append((command.words[offset].start, command.words[-1].end,
                          watch_loop(words[offset + 1:], follow_seconds)))
            notes.append(f"`watch` runs as a loop stopped after {follow_seconds}s")
            continue
        if tool == "top" and not any(w.startswith("-b") for w in words[offset + 1:]):
            edits.append((command.words[offset].end, command.words[offset].end, " -b -n 1"))
            notes.append("`top` runs one batch iteration")
            continue
        why = interactive_prompt(tool, words[offset + 1:], command, scan.commands[:position])
        if why:
            return Refused(why)
        if follows(tool, words[offset + 1:]):
            edits.append((command.words[0].start, command.words[0].start, bound))
            notes.append(f"`{tool}` follows output: stopped after {follow_seconds}s")
    adapted = text
    for start, end, replacement in sorted(edits, reverse=True):
        while not replacement and end < len(adapted) and adapted[end] in " \t":
            end += 1  # a dropped flag takes its separating blank with it
        adapted = adapted[:start] + replacement + adapted[end:]
    return Adapted(adapted, tuple(notes))


def adapt_exec(command: SimpleCommand, offset: int, edits: list[tuple[int, int, str]],
               notes: list[str]) -> Refused | None:
    """Drop `-it` from `kubectl|docker exec`; refuse `attach`, `edit`, and shells with nothing to run."""
    words = command.words
    tool = name(words[offset].text)
    verb = words[offset + 1].text
    kube = tool in ("kubectl", "oc")
    if kube and verb in KUBE_REFUSED:
        return Refused(f"`{tool} {verb}` {KUBE_REFUSED[verb]}")
    if not kube and verb == "attach":
        return Refused(f"`{tool} attach` attaches to a running terminal")
    if verb not in ("exec", "run"):
        return None
    inner_at = len(words)
    index = offset + 2
    dropped = False
    while index < len(words):
        word = words[index].text
        if word == "--":
            inner_at = index + 1
            break
        if word in TTY_FLAGS:
            edits.append((words[index].start, words[index].end, ""))
            dropped = True
        elif not kube and not word.startswith("-"):
            inner_at = index + 1  # after the container (exec) or image (run)
            break
        elif not kube and word in DOCKER_VALUES:
            index += 1
        index += 1
    if dropped:
        notes.append(f"`{tool} {verb}` runs without a terminal (-it dropped)")
    inner = [w.text for w in words[inner_at:]]
    if inner:
        why = interactive_prompt(name(inner[0]), inner[1:], None, [])
        if why:
            return Refused(f"`{tool} {verb}` {why.removeprefix('`').split('` ', 1)[-1]}")
    return None


def interactive_prompt(tool: str, args: list[str], command: SimpleCommand | None,
                       earlier: list[SimpleCommand]) -> str | None:
    """Why a shell or database client would wait at a prompt, or None when it has work to do."""
    fed = command is not None and (bool(command.heredocs) or any(
        c.pipeline == command.pipeline for c in earlier))
    if tool in SHELLS:
        if fed or any(a.startswith("-") and "c" in a.lstrip("-") and not a.startswith("--") for a in args) \
                or any(not a.startswith("-") for a in args):
            return None
        return f"`{tool}` opens an interactive shell with nothing to run"
    if tool in ("psql", "gitlab-psql"):
        runs = any(a in ("-c", "-f", "-l", "--list") or a.startswith(("--command", "--file", "-c"))
                   or (a.startswith("-") and not a.startswith("--") and "c" in a[1:]) for a in args)
        return None if runs or fed else f"`{tool}` opens an interactive prompt with no -c or -f"
    if tool in ("mysql", "mariadb"):
        runs = any(a in ("-e", "--execute") or a.startswith("--execute=") for a in args)
        return None if runs or fed else f"`{tool}` opens an interactive prompt with no -e"
    if tool in ("redis-cli", "gitlab-redis-cli"):
        index = 0
        while index < len(args):
            arg = args[index]
            if not arg.startswith("-"):
                return None
            if arg in ("--scan", "--bigkeys", "--memkeys", "--hotkeys", "--stat", "--latency",
                       "--latency-history", "--latency-dist", "--rdb", "--pipe", "--functions-rdb"):
                return None
            index += 2 if arg in REDIS_VALUES else 1
        return None if fed else f"`{tool}` opens an interactive prompt with no command"
    if tool in ("mongo", "mongosh"):
        runs = any(a in ("--eval", "-f", "--file") for a in args) or any(a.endswith(".js") for a in args)
        return None if runs or fed else f"`{tool}` opens an interactive prompt with no --eval"
    return None


def follows(tool: str, args: list[str]) -> bool:
    """True for commands that keep printing until interrupted."""
    if tool in ("tail", "journalctl"):
        return any(a in ("-f", "-F", "--follow") or a.startswith("--follow=")
                   or (a.startswith("-") and not a.startswith("--") and ("f" in a[1:] or "F" in a[1:])
                       and tool == "tail")
                   for a in args)
    if tool in ("kubectl", "oc", "docker", "podman"):
        if args and args[0] in ("logs", "log"):
            return any(a in ("-f", "--follow", "--follow=true") for a in args)
        if args and args[0] in ("get", "rollout") and tool in ("kubectl", "oc"):
            return any(a in ("-w", "--watch", "--watch-only", "--watch=true") for a in args)
        if args and args[0] in ("events", "stats") and tool != "kubectl":
            return "--no-stream" not in args
        return False
    if tool in ("stern", "kubetail"):
        return True
    if tool in ("redis-cli", "gitlab-redis-cli"):
        upper = [a.upper() for a in args]
        return "MONITOR" in upper or "SUBSCRIBE" in upper or "PSUBSCRIBE" in upper \
            or any(a in REDIS_FOLLOW for a in args)
    if tool in ("vmstat", "iostat", "mpstat", "sar", "pidstat"):
        numbers = [a for a in args if a.isdigit()]
        return len(numbers) == 1
    return False


def watch_loop(args: list[str], follow_seconds: int) -> str:
    """`watch [-n N] CMD…` as a loop that a `timeout` stops; watch itself hands CMD to `sh -c`."""
    interval = "2"
    index = 0
    while index < len(args) and args[index].startswith("-"):
        arg = args[index]
        if arg in ("-n", "--interval") and index + 1 < len(args):
            interval = args[index + 1]
            index += 2
            continue
        if arg.startswith("--interval="):
            interval = arg.split("=", 1)[1]
        elif arg.startswith("-n") and len(arg) > 2:
            interval = arg[2:]
        index += 1
    try:
        seconds = max(0.1, float(interval))
    except ValueError:
        seconds = 2.0
    body = " ".join(args[index:])
    loop = f"while :; do {body}\nsleep {seconds:g}; done"
    return f"timeout -s INT {follow_seconds} sh -c {shlex.quote(loop)}"
