"""Everyday Unix tools: readers, writers, deleters, and programs that need a terminal."""

from __future__ import annotations

import re

from firebreak.runbook.commands.sed import read_sed
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

READERS = frozenset([
    "cat", "grep", "egrep", "fgrep", "zgrep", "zcat", "head", "wc", "uniq", "cut", "tr", "awk", "gawk",
    "jq", "yq", "echo", "printf", "df", "du", "free", "uptime", "ps", "pgrep", "pidof", "netstat", "ss",
    "lsof", "dig", "nslookup", "host", "ping", "traceroute", "tracepath", "ls", "pwd", "cd", "which",
    "whoami", "id", "hostname", "uname", "nproc", "stat", "file", "sleep", "true", "false", "test", "[",
    "basename", "dirname", "realpath", "readlink", "diff", "cmp", "md5sum", "sha1sum", "sha256sum",
    "base64", "column", "nl", "rev", "seq", "xxd", "hexdump", "od", "strings", "iostat", "vmstat", "mpstat",
    "sar", "pidstat", "dmesg", "lsblk", "blkid", "findmnt", "getent", "nc", "ncat", "nmap", "whois", "env",
    "printenv", "export", "set", "unset", "alias", "type", "hash", "exit", "return", "wait", "sync",
    "timedatectl", "hostnamectl", "ulimit", "tty", "locale", "lscpu", "lsmem", "lspci", "lsusb", "arp",
    "route", "ifconfig", "pg_controldata", "pg_isready", "pg_lsclusters", "jstack", "nvidia-smi",
    "numastat", "smartctl", "ethtool", "kafka-broker-api-versions.sh", "kafka-broker-api-versions"
])
WRITERS = frozenset([
    "cp", "mv", "mkdir", "touch", "chmod", "chown", "chgrp", "ln", "install", "tee", "gzip", "gunzip",
    "bzip2", "xz", "unzip", "zip", "tar", "rsync", "scp", "sftp", "crontab", "useradd", "usermod",
    "groupadd", "passwd", "apt", "apt-get", "yum", "dnf", "apk", "brew", "pip", "pip3", "npm", "yarn",
    "pnpm", "make", "cmake", "go", "cargo", "gem", "bundle", "source", ".", "logrotate",
    "update-ca-certificates", "certbot", "service", "nginx", "apachectl", "ip", "iptables", "ip6tables",
    "nft", "ufw", "firewall-cmd", "sysctl", "modprobe", "swapoff", "swapon", "mount", "umount", "hwclock",
    "ntpdate", "chronyc", "gitlab-ctl", "gitlab-rake", "consul", "vault", "nomad", "salt", "ansible",
    "ansible-playbook", "eksctl"
])
DELETERS = {"rm": "removes files", "rmdir": "removes directories", "shred": "overwrites and removes files",
            "truncate": "cuts files to a size", "dd": "writes raw blocks", "mkfs": "formats a filesystem",
            "wipefs": "erases filesystem signatures", "kill": "sends a signal that terminates processes",
            "pkill": "terminates processes", "killall": "terminates processes", "reboot": "reboots the host",
            "shutdown": "shuts the host down", "poweroff": "powers the host off", "halt": "halts the host",
            "userdel": "removes a user", "fdisk": "rewrites a partition table",
            "parted": "rewrites a partition table"}
TERMINAL = {"vi": "opens an editor", "vim": "opens an editor", "nvim": "opens an editor",
            "nano": "opens an editor", "emacs": "opens an editor", "pico": "opens an editor",
            "less": "opens a pager", "more": "opens a pager", "most": "opens a pager", "man": "opens a pager",
            "top": "is a full-screen monitor", "htop": "is a full-screen monitor", "atop": "is a full-screen monitor",
            "iotop": "is a full-screen monitor", "iftop": "is a full-screen monitor",
            "nmon": "is a full-screen monitor",
            "k9s": "is a full-screen program", "tmux": "starts a terminal multiplexer",
            "screen": "starts a terminal multiplexer", "open": "opens a browser or application on the desktop",
            "xdg-open": "opens a browser or application on the desktop", "telnet": "opens an interactive session",
            "ftp": "opens an interactive session", "mtr": "is a full-screen monitor", "read": "waits for typed input",
            "su": "opens a shell as another user", "irb": "opens an interactive console", "mongo": "opens a console",
            "mongosh": "opens a console", "sqlite3": "opens a console",
            "redis-server": "runs a server in the foreground"}
SHELLS = frozenset({"bash", "sh", "zsh", "dash", "ksh", "fish"})
INTERPRETERS = frozenset({"python", "python3", "ruby", "node", "perl", "php", "java"})


def assess_unix(call: Call, ctx: Context) -> Verdict | None:
    """The verdict for common tools, or None when the tool is not one of them."""
    name = call.name
    if name in DELETERS or name.startswith("mkfs."):
        what = DELETERS.get(name, "formats a filesystem")
        if name == "kill" and call.argv and call.argv[0] in ("-0", "-l", "-L"):
            return read_only("kill -0/-l only checks or lists signals")
        return destructive(f"{name} {what}")
    if name == "top" and call.has("-b", "-n"):
        return read_only("top -b prints one snapshot")
    if name in TERMINAL:
        return needs_terminal(read_only(f"{name} changes nothing by itself"), f"{name} {TERMINAL[name]}")
    if name in ("tail", "journalctl"):
        base = read_only(f"{name} reads logs")
        if call.has("-f", "-F", "--follow"):
            return needs_terminal(base, f"{name} -f follows until interrupted")
        return base
    if name == "sed":
        return _sed(call)
    if name in AWKS:
        return _awk(call)
    if name == "sort":
        return mutating("sort -o writes a file") if call.has("-o", "--output") else read_only("sort only prints")
    if name == "date":
        return mutating("date -s sets the system clock") if call.has("-s", "--set") else read_only("date only prints")
    if name == "find":
        return _find(call, ctx)
    if name in ("curl",):
        return _curl(call)
    if name == "wget":
        if call.has("--post-data", "--post-file", "--method"):
            return mutating("wget sends data to the server")
        if call.has("--spider") or call.value("-O", "--output-document") == "-" or any(
                a.startswith("-") and not a.startswith("--") and a.endswith("O-") for a in call.argv):
            return read_only("wget prints the response")
        return mutating("wget downloads a file")
    if name in ("iptables", "ip6tables"):
        if call.has("-L", "-S", "--list", "--list-rules", "-C", "--check"):
            return read_only(f"{name} only lists rules")
        if call.has("-F", "--flush", "-X", "--delete-chain"):
            return destructive(f"{name} -F removes every rule")
        return mutating(f"{name} changes firewall rules")
    if name == "crontab":
        if call.has("-r"):
            return destructive("crontab -r removes the whole crontab")
        if call.has("-e"):
            return needs_terminal(mutating("crontab -e edits the crontab"), "crontab -e opens an editor")
        if call.has("-l"):
            return read_only("crontab -l lists jobs")
    if name == "rsync" and call.has("--delete", "--delete-after", "--delete-before", "--remove-source-files"):
        return destructive("rsync --delete removes destination files missing from the source")
    if name == "ip":
        words = [a for a in call.argv if not a.startswith("-")]
        if len(words) < 2 or words[1] in ("show", "list", "ls", "get") or words[0] in ("monitor",):
            return read_only("ip only shows configuration")
        return mutating("ip changes network configuration")
    if name in ("service",):
        if call.argv[-1:] == ["status"]:
            return read_only("service … status only reads")
        return mutating("service starts, stops or restarts a service")
    if name == "mount" and not call.argv:
        return read_only("mount without arguments lists mounts")
    if name in ("nginx", "apachectl") and call.has("-t", "-T", "-v", "-V", "configtest"):
        return read_only(f"{name} -t only tests the configuration")
    if name in SHELLS:
        script = call.value("-c")
        if script is not None:
            return ctx.script(script)
        if call.stdin_text:
            return ctx.script(call.stdin_text)
        if [a for a in call.argv if not a.startswith("-")]:
            return mutating(f"{name} runs the script {call.argv[-1]}; its effect is unknown")
        return needs_terminal(read_only(f"{name} changes nothing by itself"), f"{name} opens an interactive shell")
    if name in INTERPRETERS:
        if not call.argv or call.argv == ["-i"]:
            return needs_terminal(read_only(f"{name} changes nothing by itself"), f"{name} opens a console")
        if call.argv[0] in ("--version", "-V", "-v", "version"):
            return read_only(f"{name} --version only prints")
        return mutating(f"{name} runs a program; its effect is unknown")
    if name in READERS:
        return read_only(f"{name} only reads")
    if name in WRITERS:
        return mutating(f"{name} changes files or system state")
    return None


AWKS = frozenset({"awk", "gawk", "mawk", "nawk"})
AWK_VALUES = frozenset({"-F", "-v", "-f", "-e", "-i", "-l", "-E", "-W", "--field-separator", "--assign", "--file",
                        "--source", "--include", "--load", "--exec"})
# `system(…)`, `"cmd" | getline`, `print … | "cmd"`, `print … > "file"`: awk reaching outside itself.
AWK_EFFECTS = ((re.compile(r"\bsystem\s*\("), "awk's system() runs a shell command"),
               (re.compile(r"\|\s*getline|\|&"), "awk runs a command through a pipe"),
               (re.compile(r"\bprintf?\b[^;{}\n]*(\||>(?!\s*\"/dev/std(err|out)\"))"),
                "awk's print writes to a file or a command"))


def _scripts(argv: list[str], values: frozenset[str], inline: tuple[str, ...],
             files: tuple[str, ...]) -> tuple[list[str], str | None]:
    """Program texts given inline (`-e TEXT` or the first operand) and the first program file, if any."""
    texts: list[str] = []
    operands: list[str] = []
    index = 0
    while index < len(argv):
        arg = argv[index]
        flag, _, glued = arg.partition("=") if arg.startswith("--") else (arg[:2], "", arg[2:])
        if arg.startswith("-") and len(arg) > 1 and flag in (*inline, *files):
            value = glued or (argv[index + 1] if index + 1 < len(argv) else "")
            if flag in files:
                return texts, value
            texts.append(value)
            index += 1 if glued else 2
            continue
        if arg.startswith("-") and len(arg) > 1:
            index += 2 if arg in values else 1
            continue
        operands.append(arg)
        index += 1
    if not texts and operands:
        texts.append(operands[0])
    return texts, None


def _sed(call: Call) -> Verdict:
    if call.has("-i", "--in-place") or any(a.startswith("-i") for a in call.argv):
        return mutating("sed -i edits files in place")
    texts, script_file = _scripts(call.argv, frozenset({"-l", "--line-length"}), ("-e", "--expression"),
                                  ("-f", "--file"))
    if script_file:
        return mutating(f"sed runs the script file {script_file}; its effect is unknown")
    extended = call.has("-E", "-r", "--regexp-extended")
    effects = [effect for text in texts for effect in read_sed(text, extended=extended).effects]
    return mutating(effects[0]) if effects else read_only("sed only prints")


def _awk(call: Call) -> Verdict:
    texts, program_file = _scripts(call.argv, AWK_VALUES, ("-e", "--source"), ("-f", "--file", "-E", "--exec"))
    if program_file:
        return mutating(f"{call.name} runs the program file {program_file}; its effect is unknown")
    for text in texts:
        for pattern, effect in AWK_EFFECTS:
            if pattern.search(text):
                return mutating(effect)
    return read_only(f"{call.name} only reads")


def _find(call: Call, ctx: Context) -> Verdict:
    if call.has("-delete"):
        return destructive("find -delete removes every file it matches")
    if "-exec" in call.argv or "-execdir" in call.argv or "-ok" in call.argv:
        start = next(i for i, a in enumerate(call.argv) if a in ("-exec", "-execdir", "-ok")) + 1
        inner = []
        for arg in call.argv[start:]:
            if arg in (";", "\\;", "+"):
                break
            inner.append(arg)
        verdict = ctx.argv([a for a in inner if a != "{}"] or ["true"])
        return Verdict(verdict.effect, f"find -exec runs {' '.join(inner[:2])} on every match: {verdict.reason}",
                       verdict.interactive)
    return read_only("find only lists files")


DATA_FLAGS = ("-d", "--data", "--data-raw", "--data-binary", "--data-urlencode", "-F", "--form", "-T",
              "--upload-file", "--json")


CURL_TAKES_VALUE = frozenset({"-H", "--header", "-d", "--data", "--data-raw", "--data-binary", "--data-urlencode",
                              "-X", "--request", "-o", "--output", "-u", "--user", "-A", "--user-agent", "-e",
                              "--referer", "-b", "--cookie", "-c", "--cookie-jar", "-w", "--write-out", "-m",
                              "--max-time", "--connect-timeout", "-F", "--form", "-T", "--upload-file",
                              "--json", "--cacert", "--cert", "--key", "-x", "--proxy", "-r", "--range", "-K",
                              "--config", "--resolve", "--retry", "-E", "--oauth2-bearer", "--url"})


def _curl(call: Call) -> Verdict:
    method = (call.value("-X", "--request") or "").upper()
    urls = call.value("--url")
    target = urls or next(iter(positionals(call.argv, CURL_TAKES_VALUE)), "the URL")
    if not method:
        method = "POST" if call.has(*DATA_FLAGS) else ("HEAD" if call.has("-I", "--head") else "GET")
    writes = call.value("-o", "--output")
    if method in ("GET", "HEAD", "OPTIONS"):
        if writes and writes != "-":
            return mutating(f"curl saves {target} to {writes}")
        return read_only(f"curl sends an HTTP {method} to {target}")
    if method == "DELETE":
        return destructive(f"curl sends an HTTP DELETE to {target}")
    return mutating(f"curl sends an HTTP {method} to {target}")
