"""`firebreak worker`: the worker — escalation turns, update cadences, deliveries and the lateness audit."""

from __future__ import annotations

import signal
import threading
from datetime import timedelta
from types import FrameType

import typer

from firebreak.cli.common import console, handle_errors
from firebreak.cli.database import open_runtime
from firebreak.cli.logs import LOG_FORMAT, setup_logging
from firebreak.escalate.worker import WorkerOptions
from firebreak.kernel.redact import redact
from firebreak.kernel.settings import Settings


@handle_errors
def worker(once: bool = typer.Option(False, "--once", help="Run one tick (due turns and deliveries) and exit"),
           poll: float = typer.Option(0.2, "--poll", min=0.01, help="Seconds between polls when idle"),
           batch: int = typer.Option(200, "--batch", min=1, max=5000),
           lease: float = typer.Option(120.0, "--lease", min=1.0,
                                       help="Seconds a claimed notification stays with this worker"),
           threads: int = typer.Option(4, "--threads", min=1, max=256, help="Concurrent sends"),
           log_format: str = LOG_FORMAT) -> None:
    """Run the worker: escalation turns, deliveries and the lateness audit (until SIGTERM)."""
    setup_logging(Settings(), log_format)
    runtime = open_runtime(migrate=True)
    options = WorkerOptions(batch=batch, poll=poll, lease=timedelta(seconds=lease), send_threads=threads)
    worker = runtime.worker(options)
    if once:
        turns = worker.run_turns()
        timed = worker.run_timers()
        sent = worker.deliver()
        console.print(f"{len(turns)} turn(s) taken, {timed} reminder(s) and summaries queued, "
                      f"{len(sent)} delivery attempt(s)")
        runtime.close()
        return
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    console.print(f"worker {worker.name} running against {redact(runtime.settings.resolved_database_url())}")
    try:
        worker.run(stop)
    finally:
        runtime.close()
