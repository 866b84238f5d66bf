"""Ingest throughput: alerts committed per second through the Alertmanager webhook endpoint.

Starts `firebreak serve` as a separate process on SQLite and on PostgreSQL, then posts
webhook bodies from concurrent clients; every 202 means the alerts are durably committed.
For comparison, the same number of alerts is posted to a real Alertmanager's v2 API.

    python bench/ingest.py [--requests 400] [--alerts-per-request 25] [--clients 16]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psycopg

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


POOL = 1000  # distinct alerts; Alertmanager re-sends firing alerts, so most arrivals are repeats


JOIN_GROUPS = 10  # "join": every alert is new, but all fall into this many groups (open incidents)


def body(batch: int, per_request: int, pool: int = POOL) -> dict:
    def labels(n: int) -> dict:
        if pool == 0:
            return {"alertname": f"BenchJoin{n % JOIN_GROUPS}", "service": "svc-join", "instance": f"pod-{n}",
                    "severity": "warning"}
        n %= pool
        return {"alertname": f"BenchAlert{n % 50}", "service": f"svc-{n // 50}", "instance": f"10.0.{n % 250}.1:9100",
                "severity": "warning"}
    alerts = [{"status": "firing", "labels": labels(batch * per_request + i),
               "annotations": {"summary": "bench"}, "startsAt": "2026-11-22T10:00:00Z",
               "endsAt": "0001-01-01T00:00:00Z"} for i in range(per_request)]
    return {"version": "4", "status": "firing", "receiver": "bench", "groupKey": "{}", "alerts": alerts}


def run_firebreak(database_url: str, args: argparse.Namespace, pool: int = POOL) -> dict:
    port = free_port()
    key = "fbi_bench_" + os.urandom(8).hex()
    workdir = tempfile.mkdtemp(prefix="fb-bench-")
    env = dict(os.environ, FIREBREAK_DATABASE_URL=database_url, FIREBREAK_INGEST_KEY=key,
               FIREBREAK_DATA_DIR=workdir, FIREBREAK_RUN_WORKER="false", FIREBREAK_INGEST_RATE_PER_SECOND="0")
    proc = subprocess.Popen([sys.executable, "-m", "firebreak.cli.main", "serve", "--port", str(port)],
                            env=env, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_http(f"{base}/healthz")
        return post_all(f"{base}/api/v1/alerts/alertmanager", {"Authorization": f"Bearer {key}"}, args,
                        lambda i: body(i, args.alerts_per_request, pool), expect=202)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        shutil.rmtree(workdir, ignore_errors=True)


def post_all(url: str, headers: dict, args: argparse.Namespace, make, expect: int) -> dict:
    bodies = [make(i) for i in range(args.requests)]
    latencies: list[float] = []
    with httpx.Client(headers=headers, timeout=60, limits=httpx.Limits(max_connections=args.clients)) as client:
        def send(b: dict | list) -> None:
            t = time.perf_counter()
            r = client.post(url, json=b)
            latencies.append(time.perf_counter() - t)
            if r.status_code != expect:
                raise RuntimeError(f"{r.status_code}: {r.text[:200]}")
        start = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            list(pool.map(send, bodies))
        elapsed = time.perf_counter() - start
    latencies.sort()
    total = args.requests * args.alerts_per_request
    return {"alerts": total, "seconds": round(elapsed, 3), "alerts_per_second": round(total / elapsed),
            "request_p50_ms": round(latencies[len(latencies) // 2] * 1000, 1),
            "request_p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1)}


def run_alertmanager(args: argparse.Namespace, pool: int = POOL) -> dict | None:
    binary = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
    if binary is None:
        return None
    tmp = Path(tempfile.mkdtemp(prefix="am-bench-"))
    (tmp / "am.yml").write_text("route: {receiver: 'null'}\nreceivers: [{name: 'null'}]\n")
    port = free_port()
    proc = subprocess.Popen([binary, f"--config.file={tmp / 'am.yml'}", f"--storage.path={tmp / 'data'}",
                             f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=",
                             "--log.level=error"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_http(f"http://127.0.0.1:{port}/-/ready")
        return post_all(f"http://127.0.0.1:{port}/api/v2/alerts", {}, args,
                        lambda i: [{"labels": a["labels"], "annotations": a["annotations"], "startsAt": a["startsAt"]}
                                   for a in body(i, args.alerts_per_request, pool)["alerts"]],
                        expect=200)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--alerts-per-request", type=int, default=25)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--only", default="", help="run only the workloads whose name contains this")
    args = parser.parse_args()
    names = [f"firebreak_bench_{os.getpid()}_{n}" for n in (1, 2, 3, 4)]
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        results: dict = {
            "machine": f"{platform.machine()} {os.cpu_count()} cpu, {platform.python_implementation()} "
                       f"{platform.python_version()}",
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "params": vars(args),
        }
        pg, pg2, pg3, pg4 = (f"postgresql://postgres@127.0.0.1:5432/{name}" for name in names)
        storm = argparse.Namespace(**{**vars(args), "requests": max(1, args.requests // 10)})
        join100 = argparse.Namespace(**{**vars(args), "alerts_per_request": 100})
        join1 = argparse.Namespace(**{**vars(args), "alerts_per_request": 1, "requests": args.requests * 5})
        runs = [
                # every alert new, joining one of JOIN_GROUPS open incidents (a storm on a few groups)
                ("firebreak_sqlite_join_100", lambda: run_firebreak("", join100, pool=0)),
                ("firebreak_sqlite_join_1", lambda: run_firebreak("", join1, pool=0)),
                ("firebreak_postgresql_join_100", lambda: run_firebreak(pg3, join100, pool=0)),
                ("firebreak_postgresql_join_1", lambda: run_firebreak(pg4, join1, pool=0)),
                ("firebreak_sqlite_steady", lambda: run_firebreak("", args, pool=100)),
                ("firebreak_sqlite", lambda: run_firebreak("", args)),
                ("firebreak_postgresql", lambda: run_firebreak(pg, args)),
                # every alert distinct: each one opens an incident (the expensive path)
                ("firebreak_sqlite_all_new", lambda: run_firebreak("", storm, pool=10**9)),
                ("firebreak_postgresql_all_new", lambda: run_firebreak(pg2, storm, pool=10**9)),
                ("alertmanager_in_memory", lambda: run_alertmanager(args)),
                ("alertmanager_in_memory_join_100", lambda: run_alertmanager(join100, pool=0))]
        for key, run in runs:
            if args.only not in key:
                continue
            results[key] = run()
            print(f"{key:24} {results[key]}", flush=True)
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    out = Path(__file__).parent / "results" / (f"ingest-{args.only}.json" if args.only else "ingest.json")
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
