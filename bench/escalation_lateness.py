"""Escalation lateness: how long after its due time a page is handed to its channel.

Opens N incidents (default 10,000) on PostgreSQL, each with an open escalation, and makes their
first turns fall due spread over a window (default 300 s, about 33 turns a second). A
`firebreak worker` process runs the turns and hands each page to a real local webhook receiver
(apprise json://, in its own process). Lateness is read back from the delivery log: turn due →
turn executed (outbox row written) and turn due → page handed to the channel (first attempt).
All escalations stay open throughout (their second level is an hour away).

    python bench/escalation_lateness.py [--escalations 10000] [--window 300] [--workers 1]

Prints p50/p90/p99/max and writes bench/results/escalation.json. One worker process keeps up
with a few dozen turns a second on a small machine; when turns fall due faster than that, they
queue and lateness grows with the backlog, so add workers (they share the work through
SKIP LOCKED) rather than read the figure as a per-page cost.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from sqlalchemy import func, select, text, update

from firebreak.config import parse_config
from firebreak.db.migrate import upgrade
from firebreak.db.models.escalate import DeliveryAttemptRecord, EscalationRecord, OutboxRecord
from firebreak.db.session import make_engine, make_session_factory
from firebreak.escalate import engine
from firebreak.escalate.compile import build_directory
from firebreak.incident import service

PG_ADMIN = os.environ.get("FIREBREAK_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
RESULTS = Path(__file__).parent / "results" / "escalation.json"
WORKER = "from firebreak.cli.main import main; main()"
RECEIVER = """
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(200)
        self.end_headers()
    def log_message(self, *args):
        pass
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def config_text(port: int, users: int = 20) -> str:
    people = "\n".join(f'  - {{name: Person {n}, handle: p{n}, contact: [{{via: "json://127.0.0.1:{port}/page"}}]}}'
                       for n in range(users))
    return f"""
severity_scale: sev1-sev4
users:
{people}
schedules:
  - name: primary
    rotations: [{{users: [{", ".join(f"p{n}" for n in range(users))}], every: 1d, handoff: "09:00"}}]
escalation_policies:
  - name: bench
    levels:
      - {{notify: ["schedule:primary"], wait: 1h}}
      - {{notify: ["user:p0"], wait: 1h}}
"""


def open_escalations(url: str, config: str, count: int, threads: int = 8) -> None:
    """Open `count` incidents with escalations, due far in the future for now."""
    directory = build_directory(parse_config(config, file="bench.yaml"), secret=b"bench")
    db = make_engine(url)
    factory = make_session_factory(db)
    later = datetime.now(UTC) + timedelta(days=1)

    def write(first: int, last: int) -> None:
        for start in range(first, last, 250):
            with factory.begin() as session:
                for number in range(start, min(start + 250, last)):
                    incident = service.open_incident(
                        session, title=f"Bench incident {number}", severity="SEV1", service="bench", team=None,
                        escalation_policy="bench", group_key=f"bench-{number}", now=later, actor="bench", data={})
                    row = engine.start(session, incident=incident, directory=directory, now=later)
                    assert row is not None

    share = -(-count // threads)
    pool = [threading.Thread(target=write, args=(i * share, min(count, (i + 1) * share))) for i in range(threads)]
    for worker in pool:
        worker.start()
    for worker in pool:
        worker.join()
    db.dispose()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict[str, float]:
    return {"count": len(values), "p50_ms": round(percentile(values, 0.50) * 1000, 1),
            "p90_ms": round(percentile(values, 0.90) * 1000, 1), "p99_ms": round(percentile(values, 0.99) * 1000, 1),
            "max_ms": round(max(values) * 1000, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--escalations", type=int, default=10_000)
    parser.add_argument("--window", type=float, default=300.0, help="seconds over which first turns fall due")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--lead", type=float, default=8.0, help="seconds between setup and the first due turn")
    args = parser.parse_args()

    name = f"firebreak_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"
    procs: list[subprocess.Popen[bytes]] = []
    workdir = Path(tempfile.mkdtemp(prefix="firebreak-bench-"))
    try:
        upgrade(url)
        port = free_port()
        procs.append(subprocess.Popen([sys.executable, "-c", RECEIVER, str(port)]))
        config = config_text(port)
        (workdir / "bench.yaml").write_text(config, encoding="utf-8")
        started = time.monotonic()
        open_escalations(url, config, args.escalations)
        print(f"opened {args.escalations} incidents with escalations in {time.monotonic() - started:.1f}s")

        env = {**os.environ, "FIREBREAK_DATABASE_URL": url, "FIREBREAK_CONFIG": str(workdir / "bench.yaml"),
               "FIREBREAK_DATA_DIR": str(workdir), "FIREBREAK_SECRET_KEY": "bench"}
        env.pop("FIREBREAK_SERVER", None)
        for index in range(args.workers):
            log = (workdir / f"worker-{index}.log").open("wb")
            procs.append(subprocess.Popen([sys.executable, "-c", WORKER, "worker"], env=env, stdout=log,
                                          stderr=subprocess.STDOUT))
        for index in range(args.workers):
            deadline = time.monotonic() + 60
            while "running against" not in (workdir / f"worker-{index}.log").read_text(errors="replace"):
                if time.monotonic() > deadline:
                    raise RuntimeError("worker did not start")
                time.sleep(0.1)

        db = make_engine(url)
        factory = make_session_factory(db)
        first_due = datetime.now(UTC) + timedelta(seconds=args.lead)
        with factory.begin() as session:
            # Spread the first turns evenly (in a shuffled order) over the window.
            session.execute(update(EscalationRecord).values(
                next_due_at=func.cast(first_due, EscalationRecord.next_due_at.type)
                + func.make_interval(0, 0, 0, 0, 0, 0,
                                     (EscalationRecord.id * 7919 % args.escalations) * args.window / args.escalations)))
            total = session.scalar(select(func.count()).select_from(EscalationRecord))
        print(f"{total} open escalations; first turns due from {first_due:%H:%M:%S} over {args.window:.0f}s")

        deadline = time.monotonic() + args.lead + args.window + 120
        while time.monotonic() < deadline:
            with factory() as session:
                done = session.scalar(select(func.count()).select_from(OutboxRecord)
                                      .where(OutboxRecord.status == "delivered"))
            if done == args.escalations:
                break
            time.sleep(1)
        with factory() as session:
            rows = session.execute(
                select(OutboxRecord.due_at, OutboxRecord.created_at, DeliveryAttemptRecord.handed_at)
                .join(DeliveryAttemptRecord, DeliveryAttemptRecord.outbox_id == OutboxRecord.id)
                .where(DeliveryAttemptRecord.attempt == 1, OutboxRecord.turn_seq == 0)).all()
            still_open = session.scalar(select(func.count()).select_from(EscalationRecord)
                                        .where(EscalationRecord.status == "active"))
            pg_version = session.execute(text("show server_version")).scalar()
        db.dispose()
        handed = [max(0.0, (handed_at - due_at).total_seconds()) for due_at, _created, handed_at in rows]
        executed = [max(0.0, (created - due_at).total_seconds()) for due_at, created, _handed in rows]
        result = {
            "benchmark": "escalation lateness (due → handed to the channel)",
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": f"PostgreSQL {pg_version}",
            "escalations_open": args.escalations,
            "escalations_still_open_after": still_open,
            "due_window_seconds": args.window,
            "workers": args.workers,
            "channel": "apprise json:// to a local HTTP receiver",
            "pages_delivered": len(rows),
            "due_to_handed": summary(handed),
            "due_to_step_executed": summary(executed),
            "target": "p99 under 1 s",
            "met": bool(handed) and percentile(handed, 0.99) < 1.0 and len(rows) == args.escalations,
            "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                        "load_average": [round(x, 2) for x in os.getloadavg()]},
        }
        print(json.dumps(result, indent=2, ensure_ascii=False))
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
