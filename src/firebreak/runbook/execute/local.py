"""Execute: the local-process executor — argument vectors (never a shell unless the plan is `bash -c`).

The child gets a clean environment built from its target rather than Firebreak's: PATH, LANG, TZ,
no pager, an empty HOME of its own (so no ~/.kube, ~/.aws, ~/.pgpass or ~/.redisclirc of the
Firebreak host is read), cloud metadata credentials switched off, then the target's declared
environment and its connection (PG*, REDISCLI_AUTH). Nothing else of Firebreak's environment — its
PG*, KUBECONFIG, AWS_*, REDIS* or any other variable — reaches a step. It runs in a new process group
so a timeout kills everything it started, no terminal on standard input, and output read as it
comes: each stream keeps its first `output_bytes` (and a little more so redaction never sees a
secret cut in half), the rest is drained and dropped.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from typing import IO

from firebreak.runbook.execute.executor import Environment, Limits, RunResult
from firebreak.runbook.execute.fill import Plan

SAFE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
SLACK_BYTES = 4096
BASE_ENVIRONMENT = {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TZ": "UTC", "PAGER": "cat", "PSQL_PAGER": "cat",
                    "TERM": "dumb", "NO_COLOR": "1", "AWS_EC2_METADATA_DISABLED": "true"}


def base_environment(home: str) -> dict[str, str]:
    """What every step gets whatever its target: a sane PATH, its own empty HOME, no interactive pager."""
    return {"PATH": os.environ.get("PATH", SAFE_PATH), "HOME": home, **BASE_ENVIRONMENT}


class _Capture:
    """Reads one stream to its end, keeping the first `keep` bytes."""

    def __init__(self, stream: IO[bytes], keep: int) -> None:
        self.stream = stream
        self.keep = keep
        self.chunks: list[bytes] = []
        self.kept = 0
        self.total = 0
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        while True:
            chunk = self.stream.read1(65536) if hasattr(self.stream, "read1") else self.stream.read(65536)
            if not chunk:
                break
            self.total += len(chunk)
            if self.kept < self.keep:
                piece = chunk[: self.keep - self.kept]
                self.chunks.append(piece)
                self.kept += len(piece)
        self.stream.close()

    def text(self) -> str:
        return b"".join(self.chunks).decode("utf-8", errors="replace")


class LocalProcessExecutor:
    """Runs plans as child processes of Firebreak."""

    name = "local"

    def run(self, plan: Plan, *, environment: Environment, limits: Limits) -> RunResult:
        home = tempfile.mkdtemp(prefix="firebreak-step-")
        try:
            return self._run(plan, {**base_environment(home), **environment.variables, **plan.env}, home, limits)
        finally:
            shutil.rmtree(home, ignore_errors=True)

    def _run(self, plan: Plan, env: dict[str, str], home: str, limits: Limits) -> RunResult:
        started = time.monotonic()
        try:
            process = subprocess.Popen(
                list(plan.argv), stdin=subprocess.PIPE if plan.stdin is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True,
                close_fds=True, cwd=home)
        except OSError as exc:
            return RunResult(None, "", "", time.monotonic() - started,
                             error=f"cannot start {plan.argv[0]}: {exc.strerror or exc}")
        assert process.stdout is not None and process.stderr is not None
        keep = limits.output_bytes + SLACK_BYTES
        out, err = _Capture(process.stdout, keep), _Capture(process.stderr, keep)
        if plan.stdin is not None:
            threading.Thread(target=_feed, args=(process, plan.stdin), daemon=True).start()
        timed_out = False
        try:
            process.wait(timeout=limits.timeout_seconds)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(process)
        for capture in (out, err):
            capture.thread.join(timeout=5)
        duration = time.monotonic() - started
        truncated = out.total > limits.output_bytes or err.total > limits.output_bytes
        return RunResult(None if timed_out else process.returncode, out.text(), err.text(), duration,
                         timed_out=timed_out, truncated=truncated,
                         error=f"timed out after {limits.timeout_seconds:g}s" if timed_out else None)


def _feed(process: subprocess.Popen[bytes], text: str) -> None:
    assert process.stdin is not None
    try:
        process.stdin.write(text.encode())
        process.stdin.close()
    except OSError:
        pass  # the child exited before reading everything; its exit code tells the story


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Stop the child and everything it started: TERM, a short grace, then KILL."""
    for sig, grace in ((signal.SIGTERM, 1.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue
