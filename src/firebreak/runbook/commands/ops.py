"""Operations tools: docker, systemctl, git, terraform, helm, etcdctl, Kafka scripts, JVM and PostgreSQL tools."""

from __future__ import annotations

from firebreak.runbook.commands.verdict import (
    Call,
    Context,
    Verdict,
    destructive,
    mutating,
    needs_terminal,
    positionals,
    read_only,
)

DOCKER_TAKES_VALUE = frozenset({"-H", "--host", "--context", "--config", "-l", "--log-level", "-f",
                                "--filter", "--format", "-u", "--user", "-w", "--workdir", "-e", "--env",
                                "--name", "-p", "--publish", "-v", "--volume", "--network", "--since",
                                "--until", "--tail", "-n", "--entrypoint", "--file", "--project-name"})
DOCKER_READ = frozenset({"ps", "images", "inspect", "top", "version", "info", "diff", "history", "port",
                         "search", "ls", "df", "config", "logs", "stats", "events"})
DOCKER_CHANGE = frozenset({"run", "start", "stop", "restart", "pause", "unpause", "pull", "push", "build",
                           "tag", "create", "cp", "commit", "update", "rename", "login", "logout", "load",
                           "save", "import", "export", "up", "connect", "disconnect", "buildx", "scale"})
DOCKER_DESTROY = {"rm": "removes containers", "rmi": "removes images", "kill": "kills containers",
                  "prune": "removes every unused object", "down": "stops and removes containers"}
DOCKER_GROUPS = frozenset({"container", "image", "volume", "network", "system", "compose", "builder",
                           "context", "plugin", "node", "service", "stack", "secret", "swarm"})
DOCKER_KNOWN = frozenset({
    "attach", "build", "builder", "buildx", "commit", "compose", "config", "container", "context", "cp", "create",
    "debug", "diff", "events", "exec", "export", "help", "history", "image", "images", "import", "info", "init",
    "inspect", "kill", "load", "login", "logout", "logs", "manifest", "network", "node", "pause", "plugin", "port",
    "ps", "pull", "push", "rename", "restart", "rm", "rmi", "run", "save", "sbom", "scout", "search", "secret",
    "service", "stack", "start", "stats", "stop", "swarm", "system", "tag", "top", "trust", "unpause", "update",
    "version", "volume", "wait"})


def docker_words(call: Call) -> list[str]:
    return positionals(call.argv, DOCKER_TAKES_VALUE)


def assess_docker(call: Call, ctx: Context) -> Verdict:
    """docker and docker compose."""
    words = docker_words(call)
    if not words:
        return read_only("docker without a sub-command prints help")
    verb = words[0]
    if verb in DOCKER_GROUPS and len(words) > 1:
        group, verb = verb, words[1]
        if group == "system" and verb == "prune":
            extra = " including volumes" if call.has("--volumes") else ""
            return destructive(f"docker system prune removes stopped containers, networks and images{extra}")
        if verb in ("ls", "list", "inspect", "df", "info", "ps", "logs", "config", "top", "events"):
            base = read_only(f"docker {group} {verb} only reads")
            return _follow(call, base, verb)
        if verb in ("rm", "prune", "remove", "down", "kill"):
            return destructive(f"docker {group} {verb} removes {group} objects")
        if verb == "exec":
            return _exec(call, ctx, words[1:])
        return mutating(f"docker {group} {verb} changes {group} state")
    if verb == "exec":
        return _exec(call, ctx, words)
    if verb == "attach":
        return needs_terminal(read_only("docker attach changes nothing by itself"), "docker attach attaches a terminal")
    if verb in DOCKER_DESTROY:
        return destructive(f"docker {verb} {DOCKER_DESTROY[verb]}")
    if verb in DOCKER_READ:
        return _follow(call, read_only(f"docker {verb} only reads"), verb)
    if verb == "run":
        base = mutating("docker run starts a container")
        if call.has("-t", "--tty"):
            return needs_terminal(base, "docker run -t attaches a terminal")
        return base
    return mutating(f"docker {verb} changes containers or images")


def _follow(call: Call, base: Verdict, verb: str) -> Verdict:
    if verb == "logs" and call.has("-f", "--follow"):
        return needs_terminal(base, "docker logs -f follows until interrupted")
    if verb == "stats" and not call.has("--no-stream"):
        return needs_terminal(base, "docker stats keeps refreshing until interrupted")
    if verb == "events" and not call.has("--until"):
        return needs_terminal(base, "docker events streams until interrupted")
    return base


def _exec(call: Call, ctx: Context, words: list[str]) -> Verdict:
    inner = words[2:] if len(words) > 2 else []
    if not inner:
        return needs_terminal(read_only("docker exec without a command"), "docker exec opens a shell")
    base = ctx.argv(inner, call.stdin_text)
    return needs_terminal(base, "docker exec -t allocates a terminal") if call.has("-t", "--tty") else base


SYSTEMCTL_READ = frozenset({"status", "show", "is-active", "is-enabled", "is-failed", "list-units",
                            "list-unit-files", "list-timers", "list-sockets", "list-dependencies", "cat",
                            "get-default", "list-jobs", "help"})
SYSTEMCTL_DESTROY = frozenset({"reboot", "poweroff", "halt", "kexec", "isolate", "rescue", "emergency"})


def assess_systemctl(call: Call, ctx: Context) -> Verdict:
    words = [a for a in call.argv if not a.startswith("-")]
    verb = words[0] if words else "list-units"
    if verb in SYSTEMCTL_READ:
        return read_only(f"systemctl {verb} only reads")
    if verb in SYSTEMCTL_DESTROY:
        return destructive(f"systemctl {verb} takes the whole host down")
    if verb == "edit":
        return needs_terminal(mutating("systemctl edit changes a unit"), "systemctl edit opens an editor")
    return mutating(f"systemctl {verb} changes a service")


GIT_READ = frozenset({"log", "show", "status", "diff", "blame", "rev-parse", "describe", "ls-files",
                      "ls-remote", "grep", "reflog", "shortlog", "cat-file", "whatchanged", "version", "help"})


def assess_git(call: Call, ctx: Context) -> Verdict:
    words = [a for a in call.argv if not a.startswith("-")]
    verb = words[0] if words else ""
    if verb in GIT_READ or not verb or (verb in ("branch", "tag", "remote", "stash") and len(words) == 1
                                         and not call.has("-d", "-D", "--delete")):
        return read_only(f"git {verb} only reads".replace("  ", " "))
    if (verb == "reset" and call.has("--hard")) or (verb == "clean" and call.has("-f", "--force")) \
            or (verb == "push" and call.has("-f", "--force", "--force-with-lease")) \
            or (verb == "branch" and call.has("-D")):
        return destructive(f"git {verb} discards work")
    return mutating(f"git {verb} changes the repository")


def assess_terraform(call: Call, ctx: Context) -> Verdict:
    words = [a for a in call.argv if not a.startswith("-")]
    verb = words[0] if words else ""
    if verb == "destroy" or (verb == "apply" and call.has("-destroy")) or words[:2] == ["state", "rm"]:
        return destructive(f"terraform {verb} destroys infrastructure")
    if verb == "console":
        return needs_terminal(read_only("terraform console only evaluates"), "terraform console is interactive")
    if verb in ("show", "plan", "output", "validate", "fmt", "version", "providers", "graph", "state", "") \
            and words[:2] != ["state", "mv"]:
        return read_only(f"terraform {verb} only reads")
    return mutating(f"terraform {verb} changes infrastructure or state")


HELM_READ = frozenset({"list", "ls", "status", "get", "history", "show", "inspect", "template", "search",
                       "version", "lint", "diff", "env", "verify", "dependency"})


def assess_helm(call: Call, ctx: Context) -> Verdict:
    words = positionals(call.argv, frozenset({"-n", "--namespace", "--kube-context", "-f", "--values",
                                              "--set", "--version", "-o", "--output"}))
    verb = words[0] if words else ""
    if verb in ("uninstall", "delete", "del", "un"):
        return destructive(f"helm {verb} removes a release")
    if verb in HELM_READ or (verb == "repo" and words[1:2] == ["list"]) or not verb:
        return read_only(f"helm {verb} only reads")
    return mutating(f"helm {verb} changes a release or repository")


ETCD_READ = frozenset({"version", "get", "endpoint", "check", "alarm", "lease", "member", "snapshot",
                       "user", "role", "auth", "watch"})


def assess_etcdctl(call: Call, ctx: Context) -> Verdict:
    words = positionals(call.argv, frozenset({"-w", "--write-out", "--endpoints", "--cacert", "--cert",
                                              "--key", "--user", "--command-timeout"}))
    verb, sub = [*words, "", ""][:2]
    if verb == "watch":
        return needs_terminal(read_only("etcdctl watch only reads"), "etcdctl watch runs until interrupted")
    if verb in ("del", "delete") or (verb, sub) in {("member", "remove"), ("snapshot", "restore")}:
        return destructive(f"etcdctl {verb} {sub} deletes data or members".replace("  ", " "))
    if verb in ("put", "compact", "compaction", "defrag", "move-leader", "make-mirror", "elect", "lock") \
            or sub in ("disarm", "grant", "revoke", "add", "update", "promote", "save", "enable", "disable"):
        return mutating(f"etcdctl {verb} {sub} changes the cluster".replace("  ", " "))
    if verb in ETCD_READ:
        return read_only(f"etcdctl {verb} {sub} only reads".replace("  ", " "))
    return mutating(f"etcdctl {verb} changes the cluster")


def assess_kafka(call: Call, ctx: Context) -> Verdict:
    name = call.name
    if "console-consumer" in name:
        return needs_terminal(read_only(f"{name} only reads"), f"{name} consumes until interrupted")
    if "console-producer" in name:
        return needs_terminal(mutating(f"{name} writes messages"), f"{name} reads messages from the terminal")
    if call.has("--delete", "--delete-offsets"):
        return destructive(f"{name} --delete removes topics, groups or offsets")
    if call.has("--reset-offsets"):
        return mutating(f"{name} --reset-offsets --execute moves consumer offsets") if call.has("--execute") \
            else read_only(f"{name} --reset-offsets without --execute only previews")
    if call.has("--create", "--alter", "--add-config", "--delete-config", "--execute"):
        return mutating(f"{name} changes the cluster")
    return read_only(f"{name} only describes or lists")


def assess_jvm(call: Call, ctx: Context) -> Verdict:
    name = call.name
    if name == "jmap":
        return mutating("jmap -dump writes a heap dump and pauses the JVM") if any(
            a.startswith("-dump") for a in call.argv) else read_only("jmap only reads the heap")
    command = next((a for a in call.argv[1:] if not a.startswith("-")), "")
    if command.startswith(("GC.run", "GC.heap_dump", "JFR.start", "JFR.stop", "JFR.dump", "VM.set_flag",
                           "Compiler.directives_add", "ManagementAgent")):
        return mutating(f"jcmd {command} changes or pauses the running JVM")
    return read_only(f"jcmd {command or ''} only reads".replace("  ", " "))


def assess_openssl(call: Call, ctx: Context) -> Verdict:
    verb = call.argv[0] if call.argv else ""
    if verb in ("x509", "verify", "version", "crl", "ciphers", "s_client", "asn1parse", "dgst", "list") or (
            verb in ("req", "rsa", "ec", "pkcs12", "pkcs7") and not call.has("-out", "-new", "-newkey")):
        return read_only(f"openssl {verb} only inspects")
    return mutating(f"openssl {verb} writes keys or certificates")


def assess_patroni(call: Call, ctx: Context) -> Verdict:
    words = [a for a in call.argv if not a.startswith("-")]
    verb = next((w for w in words if w in {"list", "history", "show-config", "topology", "version", "dsn",
                                            "query", "switchover", "failover", "restart", "reload", "reinit",
                                            "remove", "pause", "resume", "edit-config", "flush"}), "")
    if verb in ("list", "history", "show-config", "topology", "version", "dsn", ""):
        return read_only(f"patronictl {verb} only reads")
    if verb in ("failover", "reinit", "remove"):
        return destructive(f"patronictl {verb} forces a failover or wipes a member")
    if verb == "edit-config":
        return needs_terminal(mutating("patronictl edit-config changes cluster configuration"),
                              "patronictl edit-config opens an editor")
    return mutating(f"patronictl {verb} changes the cluster")


def assess_pg_ctl(call: Call, ctx: Context) -> Verdict:
    verb = next((a for a in call.argv if not a.startswith("-")), "")
    if verb in ("status", ""):
        return read_only("pg_ctl status only reads")
    if verb == "promote":
        return destructive("pg_ctl promote turns a standby into a primary")
    return mutating(f"pg_ctl {verb} changes the server")


def assess_gitlab_rails(call: Call, ctx: Context) -> Verdict:
    verb = call.argv[0] if call.argv else "console"
    if verb in ("console", "c", "dbconsole"):
        return needs_terminal(read_only("gitlab-rails console changes nothing by itself"),
                              "gitlab-rails console is interactive")
    return mutating(f"gitlab-rails {verb} runs application code; treated as changing state")
