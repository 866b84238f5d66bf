"""Execute: the executor protocol — run one plan with limits and report what happened.

Executors are small: local processes first; SSH or Kubernetes executors fit the same protocol.
An executor returns raw output; the step service redacts it before anything stores or logs it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from firebreak.runbook.execute.fill import Plan


@dataclass(frozen=True, slots=True)
class Limits:
    """How long a step may run and how much output is kept per stream."""

    timeout_seconds: float = 30.0
    output_bytes: int = 64 * 1024


@dataclass(frozen=True, slots=True)
class RunResult:
    """What one run did: exit code (None if it never started or was killed), output, time taken."""

    exit_code: int | None
    stdout: str
    stderr: str
    duration_seconds: float
    timed_out: bool = False
    truncated: bool = False
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.timed_out and self.error is None


@dataclass(frozen=True, slots=True)
class Environment:
    """The environment a step runs in beyond the base one: its target's declared variables and connection."""

    variables: Mapping[str, str] = field(default_factory=dict)


class Executor(Protocol):
    """Runs a filled plan somewhere."""

    name: str

    def run(self, plan: Plan, *, environment: Environment, limits: Limits) -> RunResult: ...
