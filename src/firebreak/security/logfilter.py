"""Log redaction: every log record is masked as it is created, whichever logger or handler it meets."""

from __future__ import annotations

import logging
from typing import Any

from firebreak.kernel.redact import redact

_MARK = "_firebreak_redacting"


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Format the message once, mask it, and mask the formatted traceback too."""
    try:
        message = record.getMessage()
    except (TypeError, ValueError):
        message = str(record.msg)
    record.msg = redact(message)
    record.args = None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


class RedactingFilter(logging.Filter):
    """The same masking as a filter, for handlers configured elsewhere."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


def install_log_redaction() -> None:
    """Wrap the process's log record factory so every record is masked at birth (idempotent).

    Handler and logger filters miss records that propagate past them or reach no handler;
    the record factory sees them all.
    """
    current = logging.getLogRecordFactory()
    if getattr(current, _MARK, False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(current(*args, **kwargs))

    setattr(factory, _MARK, True)
    logging.setLogRecordFactory(factory)
