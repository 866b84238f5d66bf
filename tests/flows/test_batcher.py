"""Group commit: concurrent submitters, one writer, exactly-once effects on both databases."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from firebreak.db.models.core import AlertRecord, IncidentRecord
from firebreak.flows import receive
from firebreak.flows.batcher import receive_in_transaction
from firebreak.ingest.alertmanager import parse_alertmanager
from tests.payloads import alertmanager, am_alert


def test_concurrent_submitters_dedup_exactly(runtime) -> None:
    runtime.batcher.start()
    payloads = [parse_alertmanager(alertmanager(am_alert(f"Alert{i % 5}"), am_alert("Shared")))
                for i in range(40)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(runtime.batcher.submit, payloads))
    runtime.batcher.stop()
    outcomes = [o.outcome for batch in results for o in batch]
    assert outcomes.count("opened") == 6 and outcomes.count("deduplicated") == 74
    with runtime.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(IncidentRecord)) == 6
        counts = dict(s.execute(select(AlertRecord.name, AlertRecord.count)).all())
    assert counts["Shared"] == 40 and counts["Alert0"] == 8


def test_racing_transactions_without_the_batcher_still_open_one_incident(runtime) -> None:
    """Separate transactions racing on one fingerprint: the unique open key makes one winner."""
    alerts = parse_alertmanager(alertmanager(am_alert("Racy")))
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda _: receive_in_transaction(runtime.session_factory, alerts,
                                                                 runtime.receive_context, attempts=10),
                                range(12)))
    outcomes = sorted(r[0].outcome for r in results)
    assert outcomes.count("opened") == 1 and outcomes.count("deduplicated") == 11
    with runtime.session_factory() as s:
        assert s.scalar(select(AlertRecord.count)) == 12


def test_a_failing_request_fails_alone(runtime, monkeypatch) -> None:
    runtime.batcher.start()
    good = parse_alertmanager(alertmanager(am_alert("Good")))
    calls = {"n": 0}
    original = receive.route_alert

    def exploding(session, alert, **kwargs):  # type: ignore[no-untyped-def]
        if alert.labels["alertname"] == "Bad":
            calls["n"] += 1
            raise RuntimeError("boom")
        return original(session, alert, **kwargs)

    monkeypatch.setattr(receive, "route_alert", exploding)
    bad = parse_alertmanager(alertmanager(am_alert("Bad")))
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(runtime.batcher.submit, bad), pool.submit(runtime.batcher.submit, good)]
        errors = [f.exception() for f in futures]
    runtime.batcher.stop()
    assert isinstance(errors[0], RuntimeError) and errors[1] is None
    with runtime.session_factory() as s:
        assert s.scalars(select(AlertRecord.name)).all() == ["Good"]
