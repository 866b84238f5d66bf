"""Drills: Redis memory pressure — a Redis of the drill's own, with a small `maxmemory`, filled until
writes are refused with OOM. The shared Redis is never touched; clean-up stops the server."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Mapping

import redis

from firebreak.runbook.drills.fault import Observation, free_port

KEY_PREFIX = "drill:cache:"
VALUE_BYTES = 8192
PIN_MARGIN = 256 * 1024  # bytes the pinned maxmemory sits below the memory in use


class RedisMemoryPressure:
    """The fault behind the `redis-memory-pressure` drill."""

    service = "drill-redis"
    alert_name = "RedisMemoryPressure"

    def __init__(self, *, maxmemory: str = "4mb", binary: str = "redis-server") -> None:
        self.maxmemory = maxmemory
        self.binary = binary
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.workdir: str | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5)

    def start(self) -> None:
        self.port = free_port()
        self.workdir = tempfile.mkdtemp(prefix="firebreak-drill-redis-")
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--maxmemory", self.maxmemory, "--maxmemory-policy", "noeviction", "--dir", self.workdir],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = self.client()
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.05)
        self.fill(client)

    def fill(self, client: redis.Redis) -> None:
        """Write cache entries until Redis refuses writes, and keeps refusing them (the fault)."""
        value = b"x" * VALUE_BYTES
        index = 0
        while index < 100_000:
            pipe = client.pipeline(transaction=False)
            for offset in range(50):
                pipe.set(f"{KEY_PREFIX}{index + offset}", value)
            index += 50
            try:
                pipe.execute()
            except redis.exceptions.OutOfMemoryError:
                break
        refusals = 0
        while refusals < 3 and index < 200_000:  # memory hovers at the limit: top up until it stays over
            try:
                client.set(f"{KEY_PREFIX}{index}", b"x" * 1024)
                index += 1
                refusals = 0
            except redis.exceptions.OutOfMemoryError:
                refusals += 1
                time.sleep(0.05)
        # Memory hovers around the limit as buffers come and go; pin the limit just under what is
        # used so the fault stays until something frees memory.
        used = int(client.info("memory")["used_memory"])
        client.config_set("maxmemory", str(max(used - PIN_MARGIN, 1024 * 1024)))

    def observe(self) -> Observation:
        client = self.client()
        info = client.info("memory")
        used, limit = info.get("used_memory_human"), info.get("maxmemory_human")
        try:
            client.set("drill:probe", "1")
        except redis.ResponseError as exc:
            return Observation(True, f"writes refused ({exc}); used {used} of maxmemory {limit}")
        client.delete("drill:probe")
        return Observation(False, f"writes accepted; used {used} of maxmemory {limit}")

    def alert_labels(self) -> Mapping[str, str]:
        return {"key_pattern": f"{KEY_PREFIX}*", "instance": f"127.0.0.1:{self.port}"}

    def target(self) -> Mapping[str, str]:
        return {"name": "drill-cache", "kind": "redis", "url": self.url}

    def label_placeholders(self) -> list[str]:
        return ["key_pattern"]

    def environment(self) -> Mapping[str, str]:
        return {}

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
            self.process = None
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None
