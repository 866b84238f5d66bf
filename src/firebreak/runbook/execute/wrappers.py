"""Execute: where the commands inside one command line start — through sudo, timeout, kubectl exec … (pure).

`sudo -u app timeout 5 awk …` runs awk; so do `kubectl exec POD -- awk …`, `docker exec C awk …`,
`find … -exec awk … ;` and `ip netns exec NS awk …`. programs asks each of those commands what it
does with a value.
"""

from __future__ import annotations

import posixpath

from firebreak.runbook.commands.analyse import WRAPPER_VALUES

DOCKER_VALUES = frozenset({"-e", "--env", "-u", "--user", "-w", "--workdir", "--env-file", "--detach-keys",
                           "--index", "--name", "-v", "--volume", "-p", "--publish", "--network", "--entrypoint",
                           "--platform", "-l", "--label", "--mount", "-h", "--hostname"})
EXEC_WORDS = frozenset({"--", "-exec", "-execdir", "-ok", "-okdir"})


def starts(words: list[str]) -> list[tuple[int, int]]:
    """Where commands start inside one simple command (after wrappers), with where their words end."""
    found: list[tuple[int, int]] = []
    at: int | None = 0
    while at is not None and at < len(words):
        found.append((at, len(words)))
        at = inner_start(words, at)
    for index, word in enumerate(words[:-1]):
        if word in EXEC_WORDS and all(index + 1 != s for s, _ in found):
            end = next((j for j in range(index + 1, len(words)) if words[j] in (";", "+")), len(words))
            found.append((index + 1, end if word != "--" else len(words)))
    return found


def skip_options(words: list[str], at: int, values: frozenset[str]) -> int:
    while at < len(words):
        word = words[at]
        if word == "--":
            return at + 1
        if word.startswith("-") and len(word) > 1:
            at += 2 if word in values else 1
            continue
        if "=" in word and word.split("=", 1)[0].isidentifier():
            at += 1
            continue
        return at
    return at


def inner_start(words: list[str], at: int) -> int | None:
    """The index of the command a wrapper runs (`sudo`, `timeout`, `kubectl exec … --` …), if any."""
    name = posixpath.basename(words[at])
    if name in WRAPPER_VALUES and name not in ("watch", "xargs"):
        start = skip_options(words, at + 1, WRAPPER_VALUES[name])
        return start + 1 if name in ("timeout", "taskset", "chrt") else start
    if name == "xargs":
        return skip_options(words, at + 1, WRAPPER_VALUES[name])
    if name in ("busybox", "setsid", "flock") and at + 1 < len(words):
        start = skip_options(words, at + 1, frozenset({"-w", "--wait", "--timeout", "-E", "--conflict-exit-code"}))
        return start + 1 if name == "flock" else start
    if name == "ip" and words[at + 1:at + 3] == ["netns", "exec"]:
        return at + 4
    if name in ("chroot", "doas", "runuser") and at + 1 < len(words):
        start = skip_options(words, at + 1, frozenset({"-u", "--userspec", "--groups"}))
        return start + 1 if name == "chroot" else start
    if name in ("kubectl", "oc") and "--" in words[at:]:
        return words.index("--", at) + 1
    if name in ("docker", "podman", "nerdctl"):
        rest = words[at + 1:]
        verb = 1 + (1 if rest[:1] in (["compose"], ["container"]) else 0)
        if at + verb < len(words) and words[at + verb] in ("exec", "run"):
            start = skip_options(words, at + verb + 1, DOCKER_VALUES)
            return start + 1  # the container, service or image
    return None
