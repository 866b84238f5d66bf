"""redis-cli and Redis commands: reads, writes, deletions and modes that never end."""

from __future__ import annotations

from firebreak.runbook.commands.verdict import (
    Call,
    Context,
    Verdict,
    destructive,
    mutating,
    needs_terminal,
    read_only,
)

CLI_TAKES_VALUE = frozenset({"-h", "-p", "-s", "-a", "-u", "-n", "-r", "-i", "-d", "-D", "--user", "--pass",
                             "--pattern", "--count", "--quoted-pattern", "--rdb", "--functions-rdb",
                             "--memkeys-samples", "--eval", "--sni", "--cacert", "--cacertdir", "--cert",
                             "--key", "--tls-ciphers", "--tls-ciphersuites", "--pipe-timeout", "-t",
                             "--cluster", "--askpass-file"})
READ = frozenset([
    "info", "ping", "echo", "dbsize", "get", "mget", "strlen", "getrange", "exists", "type", "ttl", "pttl",
    "expiretime", "pexpiretime", "scan", "sscan", "hscan", "zscan", "keys", "randomkey", "hget", "hmget",
    "hgetall", "hkeys", "hvals", "hlen", "hexists", "hstrlen", "llen", "lrange", "lindex", "lpos", "scard",
    "smembers", "sismember", "smismember", "srandmember", "zcard", "zrange", "zrangebyscore", "zrevrange",
    "zrevrangebyscore", "zscore", "zrank", "zrevrank", "zcount", "zlexcount", "xlen", "xrange", "xrevrange",
    "xinfo", "xpending", "bitcount", "getbit", "pfcount", "geopos", "geodist", "georadius_ro", "geosearch",
    "time", "role", "lastsave", "dump", "object", "auth", "select", "hello", "readonly", "readwrite",
    "command", "lolwut", "touch", "wait", "sunion", "sinter", "sdiff", "zunion", "zinter", "zdiff",
    "memory", "latency", "slowlog", "config", "client", "cluster", "acl", "module", "function", "script",
    "pubsub", "debug"
])
WRITE = frozenset([
    "set", "setex", "psetex", "setnx", "setrange", "append", "incr", "incrby", "incrbyfloat", "decr",
    "decrby", "getset", "getdel", "getex", "mset", "msetnx", "expire", "pexpire", "expireat", "pexpireat",
    "persist", "rename", "renamenx", "move", "copy", "restore", "hset", "hsetnx", "hmset", "hincrby",
    "hincrbyfloat", "lpush", "rpush", "lpushx", "rpushx", "linsert", "lset", "lpop", "rpop", "rpoplpush",
    "lmove", "blpop", "brpop", "blmove", "sadd", "spop", "smove", "zadd", "zincrby", "zpopmin", "zpopmax",
    "bzpopmin", "bzpopmax", "xadd", "xack", "xclaim", "xautoclaim", "xgroup", "xtrim", "xsetid", "pfadd",
    "pfmerge", "setbit", "bitop", "bitfield", "geoadd", "sort", "sunionstore", "sinterstore", "sdiffstore",
    "zunionstore", "zinterstore", "zdiffstore", "zrangestore", "bgsave", "bgrewriteaof", "save", "publish",
    "eval", "evalsha", "evalsha_ro", "eval_ro", "fcall", "multi", "exec", "discard", "watch", "unwatch",
    "swapdb", "failover"
])
DESTROY = {"flushdb": "deletes every key in the selected database",
           "flushall": "deletes every key in every database",
           "del": "deletes keys", "unlink": "deletes keys", "hdel": "deletes hash fields",
           "srem": "removes set members", "zrem": "removes sorted-set members",
           "zremrangebyscore": "removes sorted-set members", "zremrangebyrank": "removes sorted-set members",
           "zremrangebylex": "removes sorted-set members", "lrem": "removes list elements",
           "ltrim": "drops list elements", "xdel": "deletes stream entries",
           "shutdown": "stops the Redis server", "replicaof": "makes the server a replica, discarding its data",
           "slaveof": "makes the server a replica, discarding its data"}
ENDLESS = {"monitor": "MONITOR streams every command until interrupted",
           "subscribe": "SUBSCRIBE waits for messages until interrupted",
           "psubscribe": "PSUBSCRIBE waits for messages until interrupted",
           "ssubscribe": "SSUBSCRIBE waits for messages until interrupted"}
SUBCOMMANDS_READ = {
    "config": {"get", "help"}, "client": {"list", "info", "getname", "id", "help", "trackinginfo", "no-evict"},
    "slowlog": {"get", "len", "help"}, "memory": {"usage", "stats", "doctor", "help", "malloc-stats"},
    "latency": {"doctor", "latest", "history", "graph", "histogram", "help"},
    "cluster": {"info", "nodes", "slots", "shards", "myid", "keyslot", "countkeysinslot", "getkeysinslot",
                "replicas", "slaves", "links", "help"},
    "acl": {"list", "users", "whoami", "getuser", "cat", "log", "help", "genpass"},
    "command": {"", "count", "docs", "info", "list", "getkeys", "help"},
    "object": {"encoding", "freq", "idletime", "refcount", "help"},
    "module": {"list", "help"}, "function": {"list", "dump", "stats", "help"},
    "script": {"exists", "help"}, "pubsub": {"channels", "numpat", "numsub", "shardchannels", "help"},
    "xinfo": {"stream", "groups", "consumers", "help"}, "debug": {"object", "help"},
}
SUBCOMMANDS_DESTROY = {("cluster", "reset"), ("cluster", "forget"), ("cluster", "failover"),
                       ("client", "kill"), ("script", "flush"), ("function", "flush"), ("acl", "deluser"),
                       ("debug", "segfault"), ("debug", "restart"), ("debug", "crash-and-recover"),
                       ("debug", "flushall")}
KNOWN = READ | WRITE | frozenset(DESTROY) | frozenset(ENDLESS) | {"quit", "reset", "sync", "psync"}


def split_cli(argv: list[str]) -> tuple[list[str], list[str]]:
    """redis-cli options, then the Redis command and its arguments."""
    options: list[str] = []
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg.startswith("-") and len(arg) > 1 and not arg.lstrip("-").isdigit():
            options.append(arg)
            if arg in CLI_TAKES_VALUE and index + 1 < len(argv):
                options.append(argv[index + 1])
                index += 1
            index += 1
            continue
        break
    return options, argv[index:]


def assess_redis_command(words: list[str]) -> Verdict:
    """The verdict on one Redis command (`FLUSHDB`, `CONFIG SET …`, `info memory`)."""
    if not words:
        return read_only("no Redis command")
    name = words[0].lower()
    sub = words[1].lower() if len(words) > 1 else ""
    upper = name.upper()
    if name in DESTROY:
        return destructive(f"Redis {upper} {DESTROY[name]}")
    if (name, sub) in SUBCOMMANDS_DESTROY:
        return destructive(f"Redis {upper} {sub.upper()} disrupts the server or its clients")
    if name in ENDLESS:
        return needs_terminal(read_only(f"Redis {upper} only reads"), ENDLESS[name])
    if name in SUBCOMMANDS_READ:
        if sub in SUBCOMMANDS_READ[name]:
            return read_only(f"Redis {upper} {sub.upper()} only reads".replace("  ", " "))
        return mutating(f"Redis {upper} {sub.upper()} changes server state")
    if name in READ:
        return read_only(f"Redis {upper} only reads")
    if name in WRITE:
        return mutating(f"Redis {upper} writes data")
    return mutating(f"unknown Redis command {upper}; treated as changing state")


def assess_redis_cli(call: Call, ctx: Context) -> Verdict:
    """The verdict on a redis-cli command line (a REPL when no command is given)."""
    options, command = split_cli(call.argv)
    flags = set(options)
    if flags & {"--stat", "--latency", "--latency-history", "--latency-dist", "--monitor"}:
        return needs_terminal(read_only("redis-cli statistics mode only reads"),
                              "redis-cli keeps printing until interrupted")
    if flags & {"--scan", "--bigkeys", "--memkeys", "--hotkeys", "--keystats"}:
        return read_only("redis-cli scans keys with SCAN; it only reads")
    if "--rdb" in flags or "--functions-rdb" in flags:
        return mutating("redis-cli --rdb writes a dump file locally")
    if "--pipe" in flags or "--eval" in flags:
        return mutating("redis-cli sends commands from input; treated as changing state")
    if not command:
        if call.stdin_text:
            lines = [line.split() for line in call.stdin_text.splitlines() if line.strip()]
            from_stdin = [assess_redis_command(words) for words in lines]
            strongest = max(from_stdin, key=lambda v: ("read-only", "mutating", "destructive").index(v.effect),
                            default=read_only("no Redis command"))
            return strongest
        return needs_terminal(read_only("an interactive redis-cli session changes nothing by itself"),
                              "redis-cli without a command opens an interactive session")
    verdict = assess_redis_command(command)
    if "-r" in flags and "-1" in options:
        return needs_terminal(verdict, "redis-cli -r -1 repeats forever")
    return verdict
