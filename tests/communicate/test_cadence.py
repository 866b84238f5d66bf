"""Update cadence on both databases with an injected clock: reminders at each severity's cadence, stopped by an
update, re-timed by a severity change, ended by resolving; who is reminded; the stakeholders' summary."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from firebreak.communicate.timer import CadenceTimer
from firebreak.kernel.clock import FixedClock
from firebreak.runtime import Runtime
from tests.communicate.conftest import Fire, cadence, minutes, outbox_of, reminders


def post(client: TestClient, incident_id: int, **body: object) -> dict:
    response = client.post(f"/api/v1/incidents/{incident_id}/updates", json={"body": "All hands on it.", **body})
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.parametrize(("severity", "level", "every"), [("critical", "SEV1", 15), ("error", "SEV2", 30),
                                                          ("warning", "SEV3", 60)])
def test_reminders_fire_at_each_severitys_cadence(runtime: Runtime, client: TestClient, clock: FixedClock,
                                                   timer: CadenceTimer, fire: Fire, severity: str, level: str,
                                                   every: int) -> None:
    incident = fire(severity)
    start = clock.now()
    assert cadence(runtime, incident).due_at == start + minutes(5)  # seed 002: initial update within 5 minutes
    clock.advance(minutes(4))
    assert timer.run_due() == 0 and reminders(runtime, incident) == []
    clock.advance(minutes(1))
    timer.run_due()
    first = reminders(runtime, incident)
    assert [(r.user_handle, r.due_at) for r in first] == [("ann", start + minutes(5))]  # nobody holds a role
    assert f"#{incident}" in first[0].title and "overdue" in first[0].title
    assert f"firebreak incident update {incident}" in first[0].body
    clock.advance(minutes(1))
    updated = post(client, incident)
    assert updated["next_update_at"] == (clock.now() + minutes(every)).isoformat().replace("+00:00", "Z")
    assert cadence(runtime, incident).due_at == clock.now() + minutes(every)
    detail = client.get(f"/api/v1/incidents/{incident}").json()["updates"]
    assert detail["next_update_due_at"] is not None and detail["cadence_seconds"] == every * 60
    assert not detail["overdue"] and detail["reminders_sent"] == 0
    clock.advance(minutes(every) - minutes(1) / 60)
    timer.run_due()
    assert len(reminders(runtime, incident)) == 1
    clock.advance(minutes(1) / 60)
    timer.run_due()
    assert len(reminders(runtime, incident)) == 2
    assert client.get(f"/api/v1/incidents/{incident}").json()["updates"]["overdue"] is True


def test_an_overdue_update_is_reminded_again_until_one_is_posted(runtime: Runtime, client: TestClient,
                                                                  clock: FixedClock, timer: CadenceTimer,
                                                                  fire: Fire) -> None:
    incident = fire("critical")
    clock.advance(minutes(5))
    timer.run_due()
    for count in range(2, 5):  # every remind_every (5m) while overdue
        clock.advance(minutes(4))
        timer.run_due()
        assert len(reminders(runtime, incident)) == count - 1
        clock.advance(minutes(1))
        timer.run_due()
        assert len(reminders(runtime, incident)) == count
    assert len(reminders(runtime, incident)) == 4
    assert cadence(runtime, incident).reminders == 4
    # A reminder not yet sent is cancelled by the update it asked for.
    clock.advance(minutes(5))
    timer.run_due()
    pending = reminders(runtime, incident)[-1]
    assert pending.status == "pending"
    post(client, incident)
    assert reminders(runtime, incident)[-1].status == "cancelled"
    assert cadence(runtime, incident).reminders == 0
    clock.advance(minutes(14))
    timer.run_due()
    assert len(reminders(runtime, incident)) == 5


def test_a_severity_change_re_times_the_next_update(runtime: Runtime, client: TestClient, clock: FixedClock,
                                                     timer: CadenceTimer, fire: Fire) -> None:
    incident = fire("warning")  # SEV3: hourly
    clock.advance(minutes(1))
    post(client, incident)
    posted = clock.now()
    assert cadence(runtime, incident).due_at == posted + minutes(60)
    clock.advance(minutes(9))
    response = client.post(f"/api/v1/incidents/{incident}/severity", json={"severity": "SEV1"})
    assert response.status_code == 200, response.text
    assert cadence(runtime, incident).due_at == posted + minutes(15)  # one SEV1 cadence after the last update
    clock.advance(minutes(5))
    timer.run_due()
    assert reminders(runtime, incident) == []
    clock.advance(minutes(1))
    timer.run_due()
    assert [r.user_handle for r in reminders(runtime, incident)] == ["ann"]
    # Down to SEV4 ("as needed"): nobody is reminded any more.
    client.post(f"/api/v1/incidents/{incident}/severity", json={"severity": "SEV4"})
    row = cadence(runtime, incident)
    assert (row.status, row.due_at) == ("paused", None)
    clock.advance(minutes(120))
    timer.run_due()
    assert len(reminders(runtime, incident)) == 1
    assert client.get(f"/api/v1/incidents/{incident}").json()["updates"]["status"] == "paused"


def test_resolving_stops_the_cadence(runtime: Runtime, client: TestClient, clock: FixedClock,
                                     timer: CadenceTimer, fire: Fire) -> None:
    incident = fire("critical")
    clock.advance(minutes(5))
    timer.run_due()
    clock.advance(minutes(5))
    timer.run_due()
    assert reminders(runtime, incident)[-1].status == "pending"
    response = client.post(f"/api/v1/incidents/{incident}/transition", json={"status": "resolved"})
    assert response.status_code == 200, response.text
    assert reminders(runtime, incident)[-1].status == "cancelled"
    row = cadence(runtime, incident)
    assert (row.status, row.next_due_at) == ("stopped", None)
    summary = cadence(runtime, incident, "brief:leadership")
    assert summary.status == "stopped"
    clock.advance(minutes(600))
    assert timer.run_due() == 0
    assert len(reminders(runtime, incident)) == 2
    # Reopened: a new initial update is due again.
    client.post(f"/api/v1/incidents/{incident}/transition", json={"status": "investigating"})
    assert cadence(runtime, incident).due_at == clock.now() + minutes(5)


def test_the_communications_lead_is_reminded_else_the_commander_else_on_call(
        runtime: Runtime, client: TestClient, clock: FixedClock, timer: CadenceTimer, fire: Fire) -> None:
    incident = fire("critical")

    def reminded() -> str:
        clock.advance(minutes(5))
        timer.run_due()
        return reminders(runtime, incident)[-1].user_handle

    def role(name: str, who: str | None) -> None:
        response = client.post(f"/api/v1/incidents/{incident}/roles", json={"role": name, "assignee": who})
        assert response.status_code == 200, response.text

    assert reminded() == "ann"  # on call (primary schedule)
    role("incident_commander", "bob")
    assert reminded() == "bob"
    role("communications_lead", "cara")
    assert reminded() == "cara"
    both = [r for r in outbox_of(runtime, incident, "reminder") if r.user_handle == "cara"]
    assert [r.contact_index for r in both] == [0, 1]  # every contact method, each after its delay
    role("communications_lead", "dan")  # a communications lead nobody can reach: the commander is
    assert reminded() == "bob"
    kinds = [e["kind"] for e in client.get(f"/api/v1/incidents/{incident}/timeline").json()]
    assert kinds.count("update.reminded") == 4


def test_stakeholders_get_the_leadership_summary_on_its_cadence(runtime: Runtime, client: TestClient,
                                                                clock: FixedClock, timer: CadenceTimer,
                                                                fire: Fire) -> None:
    incident = fire("critical")
    low = fire("warning", service="db")  # SEV3: the leadership list does not follow it
    clock.advance(minutes(2))
    post(client, incident, body="[UPDATE] pool exhausted, raising the limit")
    clock.advance(minutes(3))
    timer.run_due()
    briefs = outbox_of(runtime, incident, "brief")
    assert [b.user_handle for b in briefs] == ["stakeholders:leadership"]
    assert briefs[0].title.startswith("[LEADERSHIP] SEV1")
    assert "pool exhausted, raising the limit" in briefs[0].body  # the latest update is in it
    clock.advance(minutes(29))
    timer.run_due()
    assert len(outbox_of(runtime, incident, "brief")) == 1
    clock.advance(minutes(1))
    timer.run_due()
    assert len(outbox_of(runtime, incident, "brief")) == 2
    assert outbox_of(runtime, low, "brief") == []
    # The list starts following the low incident once it is raised into its severities.
    client.post(f"/api/v1/incidents/{low}/severity", json={"severity": "SEV2"})
    clock.advance(minutes(5))
    timer.run_due()
    assert len(outbox_of(runtime, low, "brief")) == 1
