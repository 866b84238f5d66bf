"""Logging for the long-running commands (`serve`, `worker`): structured, redacted lines on stderr."""

from __future__ import annotations

import typer

from firebreak.kernel.errors import InvalidInput
from firebreak.kernel.logs import FORMATS, LEVELS, configure_logging
from firebreak.kernel.settings import Settings
from firebreak.security.logfilter import install_log_redaction

LOG_FORMAT = typer.Option(None, "--log-format", help="Log lines as kv (key=value) or json "
                          "(default FIREBREAK_LOG_FORMAT, else kv)")


def setup_logging(settings: Settings, log_format: str | None) -> None:
    """Structured, redacted log lines on standard error, in the format asked for."""
    fmt = (log_format or settings.log_format).strip().lower()
    if fmt not in FORMATS:
        where = "--log-format" if log_format else "FIREBREAK_LOG_FORMAT"
        raise InvalidInput(f"{where}: unknown log format {fmt!r}; use {' or '.join(FORMATS)}", field=where)
    level = settings.log_level.strip().upper()
    if level not in LEVELS:
        raise InvalidInput(f"FIREBREAK_LOG_LEVEL: unknown level {settings.log_level!r}; use "
                           f"{', '.join(name.lower() for name in LEVELS)}", field="FIREBREAK_LOG_LEVEL")
    settings.log_format = fmt
    configure_logging(fmt, level)  # type: ignore[arg-type]
    install_log_redaction()
