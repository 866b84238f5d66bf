"""Channel contract: every channel accepts its own addresses, reports success, and explains failure."""

from __future__ import annotations

import io
import json
import logging

import pytest

from firebreak.kernel.logs import formatter
from firebreak.notify.apprise_channel import DELIVERY_HEADER, AppriseChannel, redact, valid
from firebreak.notify.channel import Channel, Message, family_of
from firebreak.notify.console import ConsoleChannel
from tests.notify.conftest import Receiver, free_port

MESSAGE = Message(title="[SEV1] #4 API down", body="Acknowledge: http://x/ack/t", delivery_id=41, incident_id=4)


def contract(channel: Channel, good: str, bad: str) -> None:
    assert channel.accepts(good)
    assert channel.send(good, MESSAGE).ok
    failed = channel.send(bad, MESSAGE)
    assert not failed.ok and failed.detail


def test_console_channel_prints_one_json_line_per_page() -> None:
    stream = io.StringIO()
    channel = ConsoleChannel(stream)
    assert channel.send("console://", MESSAGE).ok
    assert json.loads(stream.getvalue()) == {"delivery": 41, "incident": 4, "title": MESSAGE.title,
                                             "body": MESSAGE.body}
    assert not channel.accepts("mailto://x@example.com")


def test_log_channel_logs_at_the_asked_level(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="firebreak.notify.page"):
        assert ConsoleChannel().send("log://info", MESSAGE).ok
    record = caplog.records[-1]
    assert record.levelno == logging.INFO and record.getMessage() == "page" and "API down" in record.title


def test_log_channel_writes_one_key_value_line(caplog: pytest.LogCaptureFixture) -> None:
    tricky = Message(title='Disk "full" on db-1', body="line one\nAck: http://x/ack/t", delivery_id=7, incident_id=3)
    with caplog.at_level(logging.WARNING, logger="firebreak.notify.page"):
        assert ConsoleChannel().send("log://", tricky).ok
    line = formatter("kv").format(caplog.records[-1])  # as the server's log writes it
    assert caplog.records[-1].levelno == logging.WARNING and "\n" not in line
    assert line.endswith('event=page incident=3 delivery=7 title="Disk \\"full\\" on db-1" '
                         'body="line one\\nAck: http://x/ack/t"'), line


def test_apprise_channel_meets_the_contract_against_a_real_receiver(receiver: Receiver) -> None:
    channel = AppriseChannel(timeout=2)
    contract(channel, receiver.url, f"json://127.0.0.1:{free_port()}/nobody-listens")
    got = receiver.accepted[0]
    assert got["headers"][DELIVERY_HEADER] == "41"
    assert got["body"]["title"] == MESSAGE.title and got["body"]["message"] == MESSAGE.body


def test_apprise_refuses_unknown_addresses_with_a_reason() -> None:
    result = AppriseChannel().send("nosuchscheme://x", MESSAGE)
    assert not result.ok and "apprise understands" in result.detail
    assert not valid("nosuchscheme://x") and valid("mailto://user:pass@example.com")


def test_redaction_hides_secrets_and_families_group_secure_variants() -> None:
    shown = redact("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ")
    assert "TIiajkdnlazkcOXrIdevi7FQ" not in shown and shown.startswith("slack://")
    assert family_of("mailtos://x") == "mailto" and family_of("JSONS://x") == "json"
