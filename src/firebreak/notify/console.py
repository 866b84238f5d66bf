"""Notify: the console and log channels — pages printed to stdout or written to the log."""

from __future__ import annotations

import json
import logging
import sys
from typing import TextIO

from firebreak.notify.channel import Message, SendResult, scheme_of

LOG = logging.getLogger("firebreak.notify.page")
SCHEMES = ("console", "log")


class ConsoleChannel:
    """`console://` prints one JSON line per page; `log://` logs it at WARNING (level via `log://info`)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    def accepts(self, target: str) -> bool:
        return scheme_of(target) in SCHEMES

    def send(self, target: str, message: Message) -> SendResult:
        line = json.dumps({"delivery": message.delivery_id, "incident": message.incident_id,
                           "title": message.title, "body": message.body}, ensure_ascii=False)
        if scheme_of(target) == "log":
            level_name = target.partition("://")[2].strip("/").upper() or "WARNING"
            level = logging.getLevelName(level_name)
            LOG.log(level if isinstance(level, int) else logging.WARNING, "page %s", line)
            return SendResult(True, "logged")
        stream = self._stream or sys.stdout
        stream.write(line + "\n")
        stream.flush()
        return SendResult(True, "printed")

    @staticmethod
    def valid(target: str) -> bool:
        return scheme_of(target) in SCHEMES
