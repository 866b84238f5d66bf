"""Escalate: the stage for one process — the directory kept in step with the configuration, the incident
event handlers, the worker."""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from firebreak.config.models import Config
from firebreak.config.runtime import ConfigHolder
from firebreak.escalate.compile import build_directory, reachability_warnings
from firebreak.escalate.directory import Directory
from firebreak.escalate.handlers import EscalateHandlers
from firebreak.escalate.worker import Timer, Worker, WorkerOptions
from firebreak.kernel.clock import Clock
from firebreak.kernel.errors import ConfigError
from firebreak.kernel.files import write_private
from firebreak.kernel.settings import Settings
from firebreak.security.secrets import resolve_secret

LOG = logging.getLogger("firebreak.escalate")
KEY_FILE_NAME = "ack-link.key"


def signing_secret(settings: Settings) -> bytes:
    """The acknowledge-link key: FIREBREAK_SECRET_KEY, else one generated once and kept in data_dir.

    Every process that sends or checks links must share it: set FIREBREAK_SECRET_KEY when
    workers and servers run on different machines.
    """
    if settings.secret_key:
        # The setting may point at the key (env:NAME or file:/path) instead of holding it.
        return resolve_secret(settings.secret_key, field="FIREBREAK_SECRET_KEY").encode("utf-8")
    path = Path(settings.data_dir) / KEY_FILE_NAME
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(32).encode("ascii")
        if not write_private(path, key):  # two processes starting together keep the first key
            return path.read_bytes().strip()
        return key


class Escalator:
    """Compiles the escalation directory now and on every reload, offers its event handlers, runs the worker."""

    def __init__(self, *, settings: Settings, config: ConfigHolder, session_factory: sessionmaker[Session],
                 clock: Clock) -> None:
        self._settings = settings
        self._holder = config
        self._session_factory = session_factory
        self._clock = clock
        self._secret = signing_secret(settings)
        self._directory = self._build(config.current)
        self.warnings = reachability_warnings(config.current, self._directory)
        for warning in self.warnings:
            LOG.warning("configuration: %s", warning)
        config.on_reload(self._reload)
        self.handlers = EscalateHandlers(self.directory)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def secret(self) -> bytes:
        return self._secret

    def directory(self) -> Directory:
        """The directory for the configuration in force."""
        return self._directory

    def _build(self, config: Config) -> Directory:
        return build_directory(config, base_dir=self._holder.path.parent, base_url=self._settings.base_url(),
                               secret=self._secret, file=str(self._holder.path))

    def _reload(self, config: Config) -> None:
        try:
            self._directory = self._build(config)
        except ConfigError as exc:
            LOG.error("escalation keeps the previous schedules and templates: %s", exc.detail)
            return
        self.warnings = reachability_warnings(config, self._directory)
        for warning in self.warnings:
            LOG.warning("configuration: %s", warning)

    def worker(self, options: WorkerOptions | None = None, *, timers: Sequence[Timer] = ()) -> Worker:
        """A worker for escalation turns and deliveries, acting on `timers` too (the runtime's update cadences)."""
        return Worker(self._session_factory, self.directory, self._clock, options=options or WorkerOptions(),
                      timers=timers)

    def start_worker(self, options: WorkerOptions | None = None, *, timers: Sequence[Timer] = ()) -> None:
        """Run the worker loop in a background thread with its own sessions (used by `serve`)."""
        if self._thread is not None:
            return
        self._stop.clear()
        worker = self.worker(options, timers=timers)
        self._thread = threading.Thread(target=worker.run, args=(self._stop,), name="firebreak-worker",
                                        daemon=True)
        self._thread.start()

    def stop_worker(self) -> None:
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join(timeout=30)
        self._thread = None
