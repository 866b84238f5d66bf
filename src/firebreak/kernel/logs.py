"""Kernel: the process's log — one structured line per event (key=value or JSON), never a secret.

Stages log through the standard library, naming the event as the message and giving its fields
in `extra` (`LOG.warning("delivery.failed", extra={"attempt": 2, …})`). `configure_logging`,
called by the `serve` and `worker` commands, renders every record — Firebreak's and its
libraries' alike — as one line on standard error, and passes each line's fields through
secret redaction first.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any, Literal, TextIO

from structlog.processors import JSONRenderer, TimeStamper, format_exc_info
from structlog.stdlib import ExtraAdder, ProcessorFormatter, add_log_level, add_logger_name

from firebreak.kernel.redact import redact_value

LogFormat = Literal["kv", "json"]
FORMATS: tuple[LogFormat, ...] = ("kv", "json")
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
HANDLER_NAME = "firebreak"
KEY_ORDER = ["ts", "level", "logger", "event"]
# Libraries that narrate every request at INFO; their warnings and errors still come through.
QUIET = {"httpx": logging.WARNING, "httpcore": logging.WARNING, "apprise": logging.WARNING,
         "sqlalchemy.engine": logging.WARNING, "alembic": logging.WARNING}


def redact_fields(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Mask secrets in every field of a line (and every field under a secret-named key)."""
    # uvicorn's copy of the message with terminal colours, and what another handler's formatting
    # left on the record: the line already carries the message as `event`.
    for key in ("color_message", "message", "asctime"):
        event.pop(key, None)
    return redact_value(dict(event))  # type: ignore[no-any-return]


# A value written bare in a key=value line; anything else is JSON-quoted (so a space, a quote, a
# line break or a control character never breaks the line, and any JSON parser reads it back).
_BARE = re.compile(r"[^\s\"'=\\\x00-\x1f\x7f]+")


def kv_value(value: Any) -> str:
    """One value of a key=value line."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = value if isinstance(value, str) else str(value)
    return text if _BARE.fullmatch(text) else json.dumps(text, ensure_ascii=False)


def render_kv(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> str:
    """`ts=… level=… logger=… event=…` first, then the event's own fields in the order given."""
    keys = [key for key in KEY_ORDER if key in event] + [key for key in event if key not in KEY_ORDER]
    return " ".join(f"{key}={kv_value(event[key])}" for key in keys)


def formatter(fmt: LogFormat) -> ProcessorFormatter:
    """The formatter that renders a record as one structured line."""
    renderer: Any = JSONRenderer(sort_keys=False, default=str) if fmt == "json" else render_kv
    return ProcessorFormatter(
        foreign_pre_chain=[add_log_level, add_logger_name, TimeStamper(fmt="iso", utc=True, key="ts"),
                           ExtraAdder()],
        processors=[ProcessorFormatter.remove_processors_meta, format_exc_info, redact_fields, renderer],
    )


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes each record to whatever `sys.stderr` is at that moment (captured streams included)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        """The stream is always the current standard error."""


def configure_logging(fmt: LogFormat = "kv", level: str = "info", stream: TextIO | None = None) -> None:
    """Send every log record of the process to `stream` (standard error) as structured lines.

    Calling it again replaces the previous set-up (so tests and re-runs do not stack handlers).
    """
    if fmt not in FORMATS:
        raise ValueError(f"log format {fmt!r}: use one of {', '.join(FORMATS)}")
    handler: logging.StreamHandler = logging.StreamHandler(stream) if stream else StderrHandler()  # type: ignore[type-arg]
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(formatter(fmt))
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name, quiet in QUIET.items():
        logging.getLogger(name).setLevel(quiet if root.level > logging.DEBUG else logging.NOTSET)
