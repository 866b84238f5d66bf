"""Source adapters normalise real payloads into canonical alerts (pure)."""

from __future__ import annotations

import pytest

from firebreak.ingest.alertmanager import parse_alertmanager
from firebreak.ingest.generic import parse_generic
from firebreak.ingest.grafana import parse_grafana
from firebreak.ingest.pagerduty import parse_pagerduty
from firebreak.kernel.errors import InvalidInput
from tests.payloads import alertmanager, am_alert, grafana, pagerduty


def test_alertmanager_v4_many_alerts_firing_and_resolved() -> None:
    body = alertmanager(am_alert("HighErrorRate"), am_alert("HighLatency", status="resolved"))
    first, second = parse_alertmanager(body)
    assert first.status == "firing" and second.status == "resolved"
    assert first.fingerprint == "alertmanager:" + body["alerts"][0]["fingerprint"]
    assert first.summary == "HighErrorRate on checkout"
    assert first.severity_hint == "critical"
    assert first.ends_at is None  # the zero time means "not set"
    assert second.ends_at is not None and second.ends_at.isoformat() == "2026-11-22T12:05:00+00:00"
    assert first.runbook_url == "https://runbooks.example.com/higherrorrate"
    assert first.generator_url.startswith("http://prometheus:9090/")
    assert first.raw == body["alerts"][0]


def test_alertmanager_without_fingerprint_hashes_labels_stably() -> None:
    a = am_alert()
    del a["fingerprint"]
    b = dict(a, labels=dict(reversed(list(a["labels"].items()))))
    assert parse_alertmanager(alertmanager(a))[0].fingerprint == parse_alertmanager(alertmanager(b))[0].fingerprint


@pytest.mark.parametrize(("mutate", "field"), [
    (lambda b: b.update(version="3"), "version"),
    (lambda b: b.pop("alerts"), "alerts"),
    (lambda b: b["alerts"][0].update(status="burning"), "alerts[0].status"),
    (lambda b: b["alerts"][0]["labels"].update(severity=3), "alerts[0].labels.severity"),
    (lambda b: b["alerts"][0].update(startsAt="yesterday"), "alerts[0].startsAt"),
])
def test_alertmanager_bad_input_names_the_field(mutate, field) -> None:
    body = alertmanager(am_alert())
    mutate(body)
    with pytest.raises(InvalidInput) as info:
        parse_alertmanager(body)
    assert info.value.field == field


def test_pagerduty_trigger_carries_links_images_details() -> None:
    alert = parse_pagerduty(pagerduty("key-1"))
    assert alert.action == "trigger" and alert.status == "firing"
    assert alert.fingerprint == "pagerduty:key-1:db-pool-1"
    assert alert.labels["service"] == "orders-db" and alert.labels["source"] == "orders-db-01"
    assert alert.annotations["pool"] == "primary"
    assert {link["href"] for link in alert.links} >= {"https://grafana.example.com/d/db"}
    assert any(link.get("image") for link in alert.links)
    assert alert.severity_hint == "critical"


def test_pagerduty_generated_dedup_key_and_required_fields() -> None:
    alert = parse_pagerduty(pagerduty("key-1", dedup_key=None))
    assert alert.dedup_key and len(alert.dedup_key) == 32
    with pytest.raises(InvalidInput) as info:
        parse_pagerduty(pagerduty("key-1", action="resolve", dedup_key=None))
    assert info.value.field == "dedup_key"
    body = pagerduty("key-1")
    body["payload"]["severity"] = "fatal"
    with pytest.raises(InvalidInput) as info:
        parse_pagerduty(body)
    assert info.value.field == "payload.severity"


def test_grafana_webhook() -> None:
    [alert] = parse_grafana(grafana())
    assert alert.source == "grafana" and alert.labels["alertname"] == "DiskSpaceLow"
    assert [link["text"] for link in alert.links] == ["Dashboard", "Panel", "Silence"]


def test_generic_alert_defaults_and_unknown_fields() -> None:
    alert = parse_generic({"title": "Backups late", "severity": "warning", "labels": {"service": "backup"}})
    assert alert.labels == {"service": "backup", "alertname": "Backups late", "severity": "warning"}
    assert alert.status == "firing"
    with pytest.raises(InvalidInput) as info:
        parse_generic({"title": "x", "colour": "red"})
    assert info.value.field == "colour"
    with pytest.raises(InvalidInput) as info:
        parse_generic({"severity": "warning"})
    assert info.value.field == "title"
