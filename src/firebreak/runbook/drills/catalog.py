"""Drills: the catalogue — each drill's name, the runbook it proves, and how to make its fault."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from firebreak.kernel.errors import NotFound
from firebreak.runbook.drills.fault import Fault
from firebreak.runbook.drills.postgres import DEFAULT_DSN, DSN_VARIABLE, PostgresConnectionExhaustion
from firebreak.runbook.drills.redis import RedisMemoryPressure


@dataclass(frozen=True)
class DrillSpec:
    """One drill."""

    name: str
    runbook: str
    file: str
    description: str
    make: Callable[[], Fault]


def examples_dir() -> Path:
    """Firebreak's own example runbooks, which the drills run."""
    return Path(str(resources.files("firebreak") / "examples" / "runbooks"))


def _postgres() -> Fault:
    return PostgresConnectionExhaustion(os.environ.get(DSN_VARIABLE) or DEFAULT_DSN)


DRILLS: tuple[DrillSpec, ...] = (
    DrillSpec("postgres-connection-exhaustion", "postgres-connection-exhaustion",
              "postgres-connection-exhaustion.md",
              "Idle sessions of a dedicated role fill its connection limit on the local PostgreSQL "
              f"({DSN_VARIABLE}, default {DEFAULT_DSN}); the approved mitigation terminates them.", _postgres),
    DrillSpec("redis-memory-pressure", "redis-memory-pressure", "redis-memory-pressure.md",
              "A Redis started for the drill with a small maxmemory fills until writes fail with OOM; "
              "the approved mitigation deletes the cache keys.", RedisMemoryPressure),
)


def find_drill(name: str) -> DrillSpec:
    for drill in DRILLS:
        if drill.name == name:
            return drill
    raise NotFound(f"no drill named {name!r}; drills are {', '.join(d.name for d in DRILLS)}")
