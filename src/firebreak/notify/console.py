"""Notify: the console and log channels — pages printed to stdout or written to the log."""

from __future__ import annotations

import json
import logging
import sys
from typing import TextIO

from firebreak.kernel.redact import redact
from firebreak.notify.channel import Message, SendResult, scheme_of

LOG = logging.getLogger("firebreak.notify.page")
SCHEMES = ("console", "log")


class ConsoleChannel:
    """`console://` prints one JSON line per page; `log://` logs a `page` event at WARNING.

    Both work with no network at all, so a new installation sees its first page arrive. In the
    server's key=value log the line reads `… event=page incident=4 delivery=41 title="…" body="…"`
    (strings JSON-quoted, so a newline or a quote in the text never breaks the line; with
    `--log-format json` the same fields form one JSON object); `log://info` picks another level.
    """

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    def accepts(self, target: str) -> bool:
        return scheme_of(target) in SCHEMES

    def send(self, target: str, message: Message) -> SendResult:
        if scheme_of(target) == "log":
            level_name = target.partition("://")[2].strip("/").upper() or "WARNING"
            level = logging.getLevelName(level_name)
            LOG.log(level if isinstance(level, int) else logging.WARNING, "page", extra=page_fields(message))
            return SendResult(True, "logged")
        line = json.dumps({"delivery": message.delivery_id, "incident": message.incident_id,
                           "title": message.title, "body": message.body}, ensure_ascii=False)
        stream = self._stream or sys.stdout
        stream.write(line + "\n")
        stream.flush()
        return SendResult(True, "printed")

    @staticmethod
    def valid(target: str) -> bool:
        return scheme_of(target) in SCHEMES


def page_fields(message: Message) -> dict[str, object]:
    """The fields of one page's log event."""
    return {"incident": message.incident_id, "delivery": message.delivery_id, "title": redact(message.title),
            "body": redact(message.body)}
