"""The configuration a running process uses, swapped whole on reload (SIGHUP or the API).

An invalid new file raises ConfigError and leaves the current configuration in place, so the
process never runs half-configured.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from firebreak.config.loader import load_config
from firebreak.config.models import Config
from firebreak.kernel.errors import ConfigError
from firebreak.kernel.redact import redact

log = logging.getLogger(__name__)

ReloadListener = Callable[[Config], None]


class ConfigHolder:
    """Holds the current Config for one file; `reload()` re-reads it atomically."""

    def __init__(self, path: str | Path, *, config: Config | None = None) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._current = config if config is not None else load_config(self.path)
        self._generation = 1
        self._listeners: list[ReloadListener] = []
        self.last_error: ConfigError | None = None

    @property
    def current(self) -> Config:
        return self._current

    @property
    def generation(self) -> int:
        """Counts successful loads, starting at 1."""
        return self._generation

    def on_reload(self, listener: ReloadListener) -> None:
        """Call `listener(new_config)` after every successful reload."""
        self._listeners.append(listener)

    def reload(self) -> Config:
        """Load the file again; on ConfigError the old configuration stays and the error is raised."""
        with self._lock:
            try:
                fresh = load_config(self.path)
            except ConfigError as exc:
                self.last_error = exc
                log.error("config.reload_failed", extra={"path": str(self.path), "reason": redact(exc.detail),
                                                          "kept_generation": self._generation})
                raise
            self._current = fresh
            self._generation += 1
            self.last_error = None
            log.info("config.reloaded", extra={"path": str(self.path), "generation": self._generation})
        for listener in list(self._listeners):
            listener(fresh)
        return fresh

    def install_sighup(self) -> None:
        """Reload on SIGHUP (main thread only); a bad file is logged and the old one kept."""
        signal.signal(signal.SIGHUP, self._on_sighup)

    def _on_sighup(self, signum: int, frame: FrameType | None) -> None:
        with contextlib.suppress(ConfigError):  # logged by reload; the previous configuration stays
            self.reload()
