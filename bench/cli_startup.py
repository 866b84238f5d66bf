"""How long the CLI takes to answer (targets: `--help` under 0.5 s, `incident list` against a server under 1 s).

Each command runs as a fresh process, as a person types it, several times; the figures are the
median and the 90th percentile of the wall-clock time. `incident list` runs against a real
`firebreak serve` (SQLite, in a temporary folder) holding a few incidents, through
FIREBREAK_SERVER and FIREBREAK_TOKEN. For comparison, the same listing straight on the database.
Prints the figures and writes bench/results/cli_startup.json.

    python bench/cli_startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

FIREBREAK = [sys.executable, "-m", "firebreak.cli.main"]
TARGETS = {"--help": 0.5, "--version": 0.5, "incident list (server)": 1.0}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def timed(args: list[str], env: Mapping[str, str], runs: int) -> dict[str, float]:
    """Median and p90 wall-clock seconds of `firebreak ARGS` over `runs` fresh processes."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run([*FIREBREAK, *args], env=dict(env), capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(f"firebreak {' '.join(args)} failed: {done.stderr or done.stdout}")
    ordered = sorted(times)
    return {"runs": runs, "median_s": round(statistics.median(ordered), 3),
            "p90_s": round(ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))], 3),
            "min_s": round(ordered[0], 3)}


@contextmanager
def server(env: dict[str, str]) -> Iterator[str]:
    """`firebreak serve` on a free port until the block ends; yields its URL."""
    port = free_port()
    process = subprocess.Popen([*FIREBREAK, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code < 500:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise SystemExit("firebreak serve did not come up within 120 s")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "cli_startup.json")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        admin, ingest = "fbk_" + secrets.token_urlsafe(24), "fbi_" + secrets.token_urlsafe(24)
        env = {**os.environ, "FIREBREAK_DATA_DIR": folder, "FIREBREAK_DATABASE_URL": "", "COLUMNS": "80",
               "FIREBREAK_ADMIN_TOKEN": admin, "FIREBREAK_INGEST_KEY": ingest}
        env.pop("FIREBREAK_SERVER", None)
        results = {"--help": timed(["--help"], env, options.runs),
                   "--version": timed(["--version"], env, options.runs)}
        with server(env) as url:
            for number in range(5):
                httpx.post(f"{url}/api/v1/alerts", headers={"Authorization": f"Bearer {ingest}"}, timeout=30,
                           json={"title": f"bench alert {number}", "labels": {"alertname": f"Bench{number}"}})
            remote = {**env, "FIREBREAK_SERVER": url, "FIREBREAK_TOKEN": admin}
            results["incident list (server)"] = timed(["incident", "list"], remote, options.runs)
        results["incident list (database)"] = timed(["incident", "list"], env, max(3, options.runs // 3))
    report = {"machine": {"python": platform.python_version(), "platform": platform.platform(),
                          "cpus": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()]},
              "targets_s": TARGETS, "results": results}
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"{'command':<28} {'median':>8} {'p90':>8} {'target':>8}")
    for name, figures in results.items():
        target = f"{TARGETS[name]:.1f} s" if name in TARGETS else "-"
        print(f"{name:<28} {figures['median_s']:>7.3f}s {figures['p90_s']:>7.3f}s {target:>8}")
    print(f"load average {report['machine']['load_average']}; wrote {options.out}")


if __name__ == "__main__":
    main()
