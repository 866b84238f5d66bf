"""The command analyser: walks shell with tree-sitter, unwraps sudo/xargs/watch/ssh and asks each tool."""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from firebreak.runbook.commands import aws, kube, ops, redis, sql, unix
from firebreak.runbook.commands.shell import SimpleCommand, analyse, mask_angles, unmask
from firebreak.runbook.commands.verdict import (
    Call,
    Context,
    Verdict,
    combine,
    mutating,
    needs_terminal,
    positionals,
    read_only,
)

Handler = Callable[[Call, Context], Verdict]
HANDLERS: dict[str, Handler] = {
    "kubectl": kube.assess_kube, "oc": kube.assess_kube, "aws": aws.assess_aws,
    "redis-cli": redis.assess_redis_cli, "gitlab-redis-cli": redis.assess_redis_cli,
    "psql": sql.assess_psql, "gitlab-psql": sql.assess_psql, "mysql": sql.assess_mysql,
    "docker": ops.assess_docker, "podman": ops.assess_docker, "nerdctl": ops.assess_docker,
    "systemctl": ops.assess_systemctl, "git": ops.assess_git, "terraform": ops.assess_terraform,
    "tofu": ops.assess_terraform, "helm": ops.assess_helm, "etcdctl": ops.assess_etcdctl,
    "jcmd": ops.assess_jvm, "jmap": ops.assess_jvm, "openssl": ops.assess_openssl,
    "patronictl": ops.assess_patroni, "gitlab-patronictl": ops.assess_patroni, "pg_ctl": ops.assess_pg_ctl,
    "gitlab-rails": ops.assess_gitlab_rails,
}
WRAPPER_VALUES = {
    "sudo": frozenset({"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T"}),
    "env": frozenset({"-u", "-C", "-S"}), "nice": frozenset({"-n"}), "ionice": frozenset({"-c", "-n", "-p"}),
    "timeout": frozenset({"-k", "-s", "--signal", "--kill-after"}), "stdbuf": frozenset({"-i", "-o", "-e"}),
    "xargs": frozenset({"-I", "-n", "-P", "-d", "-L", "-s", "-E", "-a", "--max-args", "--max-procs"}),
    "watch": frozenset({"-n", "--interval", "-q"}), "time": frozenset({"-f", "-o"}), "nohup": frozenset(),
    "exec": frozenset({"-a"}), "command": frozenset(), "builtin": frozenset(), "strace": frozenset({"-o", "-e"}),
    "taskset": frozenset(), "chrt": frozenset(), "caffeinate": frozenset(), "unbuffer": frozenset(),
}
SSH_VALUES = frozenset({"-i", "-p", "-l", "-o", "-J", "-F", "-L", "-R", "-D", "-W", "-b", "-c", "-E", "-m",
                        "-O", "-Q", "-S", "-w", "-B", "-e"})
# Known first words of runbook commands: used to tell a command from prose or output.
KNOWN_TOOLS = (frozenset(HANDLERS) | unix.READERS | unix.WRITERS | frozenset(unix.DELETERS)
               | frozenset(unix.TERMINAL) | unix.SHELLS | frozenset(WRAPPER_VALUES)
               | frozenset({"ssh", "tail", "journalctl", "sed", "sort", "date", "find", "curl", "wget",
                            "chroot", "su", "gitlab-ctl", "kafka-topics.sh", "kafka-consumer-groups.sh",
                            "kafka-configs.sh", "helmfile", "kubens", "kubectx", "stern", "k9s", "eksctl",
                            "gcloud", "az", "doctl", "consul", "vault", "nomad", "ansible", "ansible-playbook",
                            "pg_dump", "pg_restore", "pg_basebackup", "pgbench", "npm", "yarn", "make"}))


class Analyser:
    """Turns command text into a verdict; tool handlers call back into it for nested commands."""

    def script(self, text: str) -> Verdict:
        parsed = analyse(mask_angles(text))
        verdicts = [self.simple(command) for command in parsed.commands]
        for loop in parsed.endless_loops:
            verdicts.append(needs_terminal(read_only("the loop itself changes nothing"),
                                           f"`{loop}` loops until interrupted"))
        if not parsed.commands and parsed.assignments:
            return read_only(f"sets the shell variable {parsed.assignments[0]}")
        verdict = combine(verdicts)
        if "__PH_" in verdict.reason or "__PH_" in (verdict.interactive or ""):
            return Verdict(verdict.effect, unmask(verdict.reason, text),
                           unmask(verdict.interactive, text) if verdict.interactive else None)
        return verdict

    def simple(self, command: SimpleCommand) -> Verdict:
        verdict = self.argv([command.name, *[w.value for w in command.args]], command.stdin_text)
        if not command.writes:
            return verdict
        return combine([verdict, mutating(f"writes the file {command.writes[0]}")])

    def argv(self, argv: list[str], stdin_text: str | None = None) -> Verdict:
        if not argv or not argv[0]:
            return read_only("no command to run")
        name = posixpath.basename(argv[0])
        call = Call(name=name, argv=argv[1:], stdin_text=stdin_text)
        wrapped = self.unwrap(call)
        if wrapped is not None:
            return wrapped
        handler = HANDLERS.get(name)
        if handler is not None:
            return handler(call, self)
        if name == "docker-compose":
            return ops.assess_docker(Call("docker", ["compose", *call.argv], stdin_text), self)
        if name.startswith("kafka-"):
            return ops.assess_kafka(call, self)
        verdict = unix.assess_unix(call, self)
        if verdict is not None:
            return verdict
        if "/" in argv[0] or name.endswith((".sh", ".py", ".rb")):
            return mutating(f"runs the script {argv[0]}; its effect is unknown")
        if name.startswith(("$", "__PH_")):
            return mutating("the command name is a placeholder; treated as changing state")
        return mutating(f"unknown command {name}; treated as changing state")

    def unwrap(self, call: Call) -> Verdict | None:
        """Commands that run another command: judge the inner one (and note a terminal if needed)."""
        name = call.name
        if name == "ssh":
            words = positionals(call.argv, SSH_VALUES)
            if len(words) < 2:
                return needs_terminal(read_only("ssh without a remote command changes nothing by itself"),
                                      "ssh opens an interactive remote shell")
            inner = self.script(" ".join(call.argv[call.argv.index(words[0]) + 1:]))
            return needs_terminal(inner, "ssh -t allocates a terminal") if "-t" in call.argv else inner
        if name == "chroot":
            rest = [a for a in call.argv if not a.startswith("-")]
            if len(rest) < 2:
                return needs_terminal(read_only("chroot without a command changes nothing by itself"),
                                      "chroot without a command opens a shell")
            return self.argv(rest[1:], call.stdin_text)
        if name == "su":
            script = call.value("-c", "--command")
            if script:
                return self.script(script)
            return needs_terminal(read_only("su changes nothing by itself"), "su opens a shell as another user")
        if name not in WRAPPER_VALUES:
            return None
        inner = _inner(call.argv, WRAPPER_VALUES[name], skip_first=name == "timeout")
        if name == "sudo" and not inner:
            if call.has("-i", "-s"):
                return needs_terminal(read_only("sudo -i changes nothing by itself"), "sudo -i opens a root shell")
            return read_only("sudo without a command")
        if name == "env":
            inner = [a for a in inner if "=" not in a or a.startswith("-")] if inner else inner
            while inner and "=" in inner[0]:
                inner = inner[1:]
            if not inner:
                return read_only("env only prints the environment")
        if name == "watch":
            verdict = self.script(" ".join(inner)) if inner else read_only("watch without a command")
            return needs_terminal(verdict, "watch repeats the command until interrupted")
        if not inner:
            return read_only(f"{name} without a command")
        if name == "xargs":
            verdict = self.argv(inner)
            return Verdict(verdict.effect, f"xargs runs {inner[0]} on each input: {verdict.reason}",
                           verdict.interactive)
        return self.argv(inner, call.stdin_text)


def _inner(argv: list[str], takes_value: frozenset[str], *, skip_first: bool) -> list[str]:
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg == "--":
            index += 1
            break
        if arg.startswith("-") and len(arg) > 1:
            index += 2 if arg in takes_value else 1
            continue
        if "=" in arg and arg.split("=", 1)[0].isidentifier():
            index += 1
            continue
        break
    rest = argv[index:]
    return rest[1:] if skip_first and rest else rest


ANALYSER = Analyser()
