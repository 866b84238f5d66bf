"""Runbook import at scale: parse, classify, store and lint a folder of generated runbooks.

Generates N Markdown runbooks (one alert each, in the layouts the seeds and public runbook sites
use: front matter, Symptoms / Diagnosis / Mitigation sections, bash, SQL and console blocks,
inline commands, placeholders), then times:

- `firebreak runbook import DIR` end to end as a separate process (progress bar on a terminal),
  on SQLite and on PostgreSQL, first import and an unchanged re-import;
- the pure parse-and-classify step in process, per runbook and per command;
- lint over all of them, and matching one alert against all of them.

    python bench/runbook_import.py [--count 1000] [--output bench/results/runbook_import.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import psycopg

from firebreak.runbook.intake.importer import import_paths
from firebreak.runbook.lint.engine import lint_runbooks
from firebreak.runbook.match.rank import rank

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
COMPONENTS = ["api", "checkout", "payments", "search", "ledger", "auth", "mempool", "scanner", "gateway", "billing"]
PROBLEMS = ["HighErrorRate", "HighLatency", "ConnectionPoolExhausted", "DiskFillingUp", "PodCrashLooping",
            "MemoryLeak", "QueueBacklog", "CertificateExpiring", "ReplicationLag", "CacheEvictions"]
DIAGNOSTICS = [
    "kubectl -n $NAMESPACE get pods -l app={c}",
    "kubectl -n $NAMESPACE describe pod $POD",
    "kubectl -n $NAMESPACE logs $POD --since=15m | grep -i error",
    "kubectl top pods -n $NAMESPACE --sort-by=memory",
    'psql -h <DB_HOST> -U postgres -c "SELECT count(*) FROM pg_stat_activity WHERE datname = \'{c}\';"',
    "redis-cli -h $REDIS_HOST INFO memory",
    "curl -s http://{c}.internal:8080/metrics | grep -E 'http_requests_total|latency'",
    "aws rds describe-db-instances --db-instance-identifier {c}-prod",
]
FIXES = [
    "kubectl -n $NAMESPACE rollout restart deployment/{c}",
    "kubectl -n $NAMESPACE scale deployment/{c} --replicas=6",
    "kubectl -n $NAMESPACE rollout undo deployment/{c}",
    "redis-cli -h $REDIS_HOST FLUSHDB",
    "kubectl -n $NAMESPACE delete pod $POD",
    'psql -h <DB_HOST> -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE state = \'idle\';"',
]


def generate(folder: Path, count: int, seed: int = 7) -> int:
    """Write `count` runbooks under folder/<component>/; returns the number of commands written."""
    rng = random.Random(seed)
    commands = 0
    for index in range(count):
        component = COMPONENTS[index % len(COMPONENTS)]
        problem = PROBLEMS[(index // len(COMPONENTS)) % len(PROBLEMS)]
        name = f"{component.title()}{problem}{index:04d}"
        diagnostics = [d.format(c=component) for d in rng.sample(DIAGNOSTICS, 4)]
        fixes = [f.format(c=component) for f in rng.sample(FIXES, 2)]
        commands += len(diagnostics) + len(fixes) + 3
        text = (f"---\ntitle: {component} {problem}\nweight: {index}\n---\n\n# {name}\n\n## Meaning\n\n"
                f"The {component} service fires `{name}` when {problem} persists for 10 minutes.\n\n"
                f"## Symptoms\n\n- {problem} on {component}\n- users see errors\n\n## Diagnosis\n\n"
                f"Check the pods with `kubectl -n $NAMESPACE get pods -l app={component}`.\n\n```bash\n"
                + "\n".join(f"# step {n}\n{d}" for n, d in enumerate(diagnostics, 1))
                + "\n```\n\n```sql\nSELECT pid, state, query FROM pg_stat_activity WHERE state <> 'idle';\n```\n\n"
                f"## Mitigation\n\n```bash\n# If the error rate stays above 5%\n{fixes[0]}\n\n{fixes[1]}\n```\n\n"
                f"## Verification\n\n```bash\nkubectl -n $NAMESPACE rollout status deployment/{component}\n```\n")
        target = folder / component / f"{name}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return commands


def cli_import(folder: Path, url: str, data_dir: Path) -> float:
    env = {**os.environ, "FIREBREAK_DATABASE_URL": url, "FIREBREAK_DATA_DIR": str(data_dir)}
    env.pop("FIREBREAK_SERVER", None)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "firebreak.cli.main", "runbook", "import", str(folder),
                    "--base-url", "https://runbooks.example.com"], env=env, check=True)
    return time.perf_counter() - started


def fresh_pg() -> str:
    name = "firebreak_bench_runbooks"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--output", type=Path, default=Path(__file__).parent / "results" / "runbook_import.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="firebreak-bench-") as tmp:
        root = Path(tmp)
        folder = root / "runbooks"
        commands = generate(folder, args.count)
        started = time.perf_counter()
        runbooks = import_paths([folder], base_url="https://runbooks.example.com")
        parse_seconds = time.perf_counter() - started
        parsed_commands = sum(len(r.commands) for r in runbooks)
        started = time.perf_counter()
        findings = lint_runbooks(runbooks, today=date(2026, 11, 22))
        lint_seconds = time.perf_counter() - started
        started = time.perf_counter()
        matches = rank(runbooks, alert_names=["PaymentsHighLatency0012"],
                       runbook_urls=["https://runbooks.example.com/payments/PaymentsHighLatency0012"],
                       labels={"namespace": "payments"}, text="latency above 1s")
        match_seconds = time.perf_counter() - started
        results: dict[str, object] = {}
        for backend, url in (("sqlite", f"sqlite:///{root / 'bench.db'}"), ("postgresql", fresh_pg())):
            first = cli_import(folder, url, root / backend)
            again = cli_import(folder, url, root / backend)
            results[backend] = {"first_import_seconds": round(first, 2), "reimport_unchanged_seconds": round(again, 2),
                                "runbooks_per_second_first_import": round(len(runbooks) / first, 1)}
    figures = {
        "benchmark": "runbook_import",
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count()},
        "runbooks": len(runbooks), "files": args.count, "commands_written": commands,
        "commands_parsed": parsed_commands,
        "parse_and_classify_seconds": round(parse_seconds, 3),
        "parse_ms_per_runbook": round(parse_seconds * 1000 / len(runbooks), 3),
        "lint_seconds": round(lint_seconds, 3), "lint_findings": len(findings),
        "match_one_alert_seconds": round(match_seconds, 3), "best_match": matches[0].slug if matches else None,
        "cli_end_to_end": results,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
