"""Grafana OnCall objects (the public API's shapes, written for these tests) imported: web, calendar and iCal
schedules against hand-worked tables over a year in Berlin, the escalation chain's steps and delays, and the report."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from firebreak.migrate.folder import read_folder
from firebreak.migrate.grafana_oncall import classify, import_grafana_oncall
from firebreak.migrate.options import ImportOptions
from tests.migrate import oncall_objects as oncall
from tests.migrate.conftest import loaded, on_call, policy_walk
from tests.migrate.oracle import dst_changes, nth, sample_year, turn_number, utc

BERLIN = ZoneInfo("Europe/Berlin")


def write_folder(folder: Path) -> Path:
    for name, items in oncall.ENDPOINTS.items():
        (folder / f"{name}.json").write_text(json.dumps(oncall.page(items)), encoding="utf-8")
    (folder / "SICAL.ics").write_text(oncall.CALENDAR, encoding="utf-8")
    return folder


@pytest.fixture
def imported(tmp_path: Path):  # type: ignore[no-untyped-def]
    return import_grafana_oncall(read_folder(write_folder(tmp_path), classify, "Grafana OnCall"),
                                 ImportOptions(email_via="mailtos://pager:secret@smtp.example.com?to={email}"))


def test_web_schedule_over_a_year_in_berlin(imported) -> None:  # type: ignore[no-untyped-def]
    directory = loaded(imported)
    [primary] = imported.schedules["SPRIMARY"]
    users = imported.users

    # Hand-worked, Berlin wall clock: the override (level 0 "Swap") puts alex on from Mon 10 Jun 2024 00:00 CEST for
    # two days; otherwise office hours (level 1, cho) Mon–Fri 09:00–17:00 win over the weekly rolling layer (level
    # 0: alex, bea, cho from Mon 1 Jan 2024 09:00, one week each).
    def expected(moment: datetime) -> str | None:
        if utc("2024-06-09T22:00:00Z") <= moment < utc("2024-06-11T22:00:00Z"):
            return "U1"
        if moment < utc("2024-01-01T08:00:00Z"):
            return None
        local = moment.astimezone(BERLIN)
        if local.weekday() < 5 and time(9) <= local.time() < time(17):
            return "U3"
        return nth(["U1", "U2", "U3"], turn_number(moment, BERLIN, date(2024, 1, 1), time(9), 7))

    first = utc("2023-12-31T00:00:00Z")
    moments = sample_year(first, BERLIN)
    assert len(moments) >= 200 and dst_changes(first, BERLIN) == 2
    wrong = [(m.isoformat(), who, expected(m)) for m in moments
             if (who := on_call(directory, primary, m)) != (users[expected(m)] if expected(m) else None)]
    assert wrong == []
    # Sunday 31 Mar 2024, the clocks go forward at 02:00: still the week from Mon 25 Mar 09:00, week 12 of the
    # rotation → 12 % 3 = 0 → alex; Monday 1 Apr 08:59 CEST (06:59Z) too; at 09:00 CEST office hours → cho.
    assert on_call(directory, primary, utc("2024-03-31T01:30:00Z")) == users["U1"]
    assert on_call(directory, primary, utc("2024-04-01T06:59:00Z")) == users["U1"]
    assert on_call(directory, primary, utc("2024-04-01T07:00:00Z")) == users["U3"]


def test_calendar_schedule_rotates_from_the_given_user_and_reports_pairs(imported) -> None:  # type: ignore[no-untyped-def]
    directory = loaded(imported)
    [second] = imported.schedules["SSECOND"]
    # Hand-worked: daily turns from 2024-01-01 00:00 UTC starting with the second group (cho), then the pair alex+bea
    # (Firebreak names the first of a pair: alex).
    for moment in sample_year(utc("2024-01-01T00:00:00Z"), ZoneInfo("UTC")):
        day = (moment.date() - date(2024, 1, 1)).days
        assert on_call(directory, second, moment) == imported.users[["U3", "U1"][day % 2]]
    [pair] = [f for f in imported.report.of("approximated") if "Daily pairs" in f.item]
    assert "2 users are on call together" in pair.reason


def test_ical_schedule_reads_the_feed_beside_the_json(imported) -> None:  # type: ignore[no-untyped-def]
    directory = loaded(imported)
    [mondays] = imported.schedules["SICAL"]
    # Hand-worked: the feed's weekly event puts alex on call Mondays 09:00–17:00 Berlin, summer and winter.
    assert on_call(directory, mondays, utc("2024-01-08T08:00:00Z")) == "alex"  # 09:00 CET
    assert on_call(directory, mondays, utc("2024-07-01T07:00:00Z")) == "alex"  # 09:00 CEST
    assert on_call(directory, mondays, utc("2024-07-01T15:00:00Z")) is None  # 17:00 CEST
    assert on_call(directory, mondays, utc("2024-07-02T08:00:00Z")) is None  # a Tuesday


def test_escalation_chain_steps_become_levels_with_the_same_delays(imported) -> None:  # type: ignore[no-untyped-def]
    directory = loaded(imported)
    users = imported.users
    policy = imported.policies["CHAIN1"]
    # Hand-worked from the steps: on-call of Primary at 0, bea after the 5-minute wait, the team (alex, bea) after
    # 10 more; repeat_escalation walks the chain again at once, five times in all (OnCall's limit).
    walk = policy_walk(directory, policy, utc("2024-07-02T12:00:00Z"))  # a Tuesday 14:00 CEST: cho on call
    one_pass = [({users["U3"]}), ({users["U2"]}), ({users["U1"], users["U2"]})]
    assert [who for _, who in walk] == one_pass * 6
    assert [minute for minute, _ in walk][:7] == [0, 5, 15, 15, 20, 30, 30]
    assert any(f.item == "step 4 (notify_whole_channel)" for f in imported.report.of("unmapped"))


def test_integration_becomes_a_service_and_the_regex_route_is_reported(imported) -> None:  # type: ignore[no-untyped-def]
    [service] = imported.sections["services"]
    assert service == {"name": "grafana-alerts", "team": "core-platform", "escalation_policy": "core-default"}
    [action] = [f for f in imported.report.of("action") if f.subject.startswith("integration")]
    assert "/api/v1/alerts/grafana" in action.reason
    [route] = [f for f in imported.report.of("unmapped") if f.item.startswith("route RUS")]
    assert "us-(east|west)" in route.item
    assert not any(f.item.startswith("route RDEFAULT") for f in imported.report.findings)


def test_users_keep_their_handles_and_email_contact_with_its_wait(imported) -> None:  # type: ignore[no-untyped-def]
    alex = next(user for user in imported.sections["users"] if user["handle"] == "alex")
    assert alex["contact"] == [{"via": "mailtos://pager:secret@smtp.example.com?to=alex@example.com"}]
    assert alex["time_zone"] == "Europe/Berlin"
    assert any(f.subject == "user alex" and f.item == "notify by sms" for f in imported.report.of("unmapped"))
    [team] = imported.sections["teams"]
    assert team["members"] == ["alex", "bea"] and team["escalation_policy"] == "core-default"
