"""Runbook matching against a large library: time per alert, and the index built once per library state.

Generates N runbooks (as bench/runbook_import.py does), stores them in a SQLite database, then
matches M alerts of varied names, runbook URLs, labels and text the way an opening incident
does (`runbook.match.attach.match_alerts`, one transaction per alert, reading the library's
state and reusing the cached index), and also straight against the in-memory index. The first
transaction builds the index; its time is reported apart.

    python bench/runbook_match.py [--count 1000] [--alerts 500]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from runbook_import import COMPONENTS, PROBLEMS, generate

from firebreak.db.migrate import upgrade
from firebreak.db.session import make_engine, make_session_factory
from firebreak.runbook.intake.importer import import_paths
from firebreak.runbook.library import store
from firebreak.runbook.match import attach
from firebreak.runbook.match.rank import ATTACH_THRESHOLD, build_index, rank


@dataclass
class BenchAlert:
    """What matching reads of an alert."""

    name: str
    labels: dict[str, Any]
    annotations: dict[str, Any] = field(default_factory=dict)
    summary: str = ""
    runbook_url: str | None = None


def alerts(count: int, runbooks: int, seed: int = 11) -> list[BenchAlert]:
    rng = random.Random(seed)
    made = []
    for n in range(count):
        index = rng.randrange(runbooks)
        component = COMPONENTS[index % len(COMPONENTS)]
        problem = PROBLEMS[(index // len(COMPONENTS)) % len(PROBLEMS)]
        name = f"{component.title()}{problem}{index:04d}"
        kind = n % 4
        if kind == 0:  # the alert names its runbook
            made.append(BenchAlert(name, {"alertname": name, "namespace": component},
                                   runbook_url=f"https://runbooks.example.com/{component}/{name}"))
        elif kind == 1:  # only its name
            made.append(BenchAlert(name, {"alertname": name}))
        elif kind == 2:  # a name no runbook lists, with text
            made.append(BenchAlert(f"Unlisted{n}", {"app": component}, summary=f"{problem} on {component}"))
        else:  # nothing fits
            made.append(BenchAlert(f"Watchdog{n}", {}, summary="the alerting pipeline works"))
    return made


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--alerts", type=int, default=500)
    parser.add_argument("--output", type=Path, default=Path(__file__).parent / "results" / "runbook_match.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="firebreak-bench-") as tmp:
        folder = Path(tmp) / "runbooks"
        generate(folder, args.count)
        runbooks = import_paths([folder], base_url="https://runbooks.example.com")
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        factory = make_session_factory(make_engine(url))
        now = datetime.now(UTC)
        with factory.begin() as session:
            store.save_runbooks(session, runbooks=runbooks, now=now, actor="bench")
        sample = alerts(args.alerts, args.count)
        started = time.perf_counter()
        with factory() as session:
            attach.match_alerts(session, alerts=[sample[0]])
        first = time.perf_counter() - started
        through_db: list[float] = []
        attached = 0
        for alert in sample:
            started = time.perf_counter()
            with factory() as session:
                matches = attach.match_alerts(session, alerts=[alert])
            through_db.append(time.perf_counter() - started)
            attached += bool(matches and matches[0].score >= ATTACH_THRESHOLD)
        started = time.perf_counter()
        index = build_index(runbooks)
        build = time.perf_counter() - started
        in_memory: list[float] = []
        for alert in sample:
            started = time.perf_counter()
            rank(index, alert_names=[alert.name], runbook_urls=[alert.runbook_url] if alert.runbook_url else [],
                 labels={k: str(v) for k, v in alert.labels.items()}, text=alert.summary)
            in_memory.append(time.perf_counter() - started)
    figures = {
        "benchmark": "runbook_match",
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
        "runbooks": len(runbooks), "alerts": len(sample), "attached": attached,
        "first_transaction_with_index_build_s": round(first, 3), "index_build_s": round(build, 3),
        "per_alert_through_db_ms": {"p50": round(statistics.median(through_db) * 1000, 2),
                                    "p99": round(percentile(through_db, 0.99) * 1000, 2)},
        "per_alert_in_memory_ms": {"p50": round(statistics.median(in_memory) * 1000, 3),
                                   "p99": round(percentile(in_memory, 0.99) * 1000, 3)},
    }
    args.output.parent.mkdir(exist_ok=True)
    args.output.write_text(json.dumps(figures, indent=2))
    print(f"{len(runbooks)} runbooks, {len(sample)} alerts ({attached} attach a runbook)")
    print(f"index build {build * 1000:.0f} ms (first transaction with the build: {first * 1000:.0f} ms)")
    for label, key in (("through the database", "per_alert_through_db_ms"), ("in memory", "per_alert_in_memory_ms")):
        print(f"per alert {label:22} p50 {figures[key]['p50']} ms  p99 {figures[key]['p99']} ms")


if __name__ == "__main__":
    main()
