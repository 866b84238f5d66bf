"""PagerDuty schedules imported from the published fixtures agree with PagerDuty's rendered answers and
with hand-worked tables over a year, daylight-saving changes included."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from firebreak.migrate.folder import read_folder
from firebreak.migrate.pagerduty import classify, import_pagerduty
from tests.migrate.conftest import FIXTURES, loaded, on_call
from tests.migrate.oracle import dow, dst_changes, minute_of_week, nth, sample_year, turn_number, utc, within

NEW_YORK, LOS_ANGELES = ZoneInfo("America/New_York"), ZoneInfo("America/Los_Angeles")
LONDON, PARIS = ZoneInfo("Europe/London"), ZoneInfo("Europe/Paris")


def import_one(file: str):  # type: ignore[no-untyped-def]
    imported = import_pagerduty(read_folder(FIXTURES / file, classify, "PagerDuty"))
    [schedule] = [name for names in imported.schedules.values() for name in names]
    return imported, loaded(imported, file), schedule


def agree(file: str, first: datetime, tz: ZoneInfo, expected: Callable[[datetime], str | None]) -> int:
    """Compare every sampled instant; returns how many were compared."""
    imported, directory, schedule = import_one(file)
    moments = sample_year(first, tz)
    assert dst_changes(first, tz) == 2
    answers = [(moment, on_call(directory, schedule, moment)) for moment in moments]
    wrong = [(moment.isoformat(), who, expected(moment)) for moment, who in answers
             if who != handle_of(imported, expected(moment))]
    assert wrong == []
    return len(moments)


def handle_of(imported, vendor_user: str | None) -> str | None:  # type: ignore[no-untyped-def]
    return None if vendor_user is None else imported.users[vendor_user]


def test_daily_engineering_rotation_matches_pagerdutys_final_schedule_and_coverage() -> None:
    imported, directory, schedule = import_one("pd_schedule_PI7DH85_daily_engineering_rotation.json")
    regina = imported.users["PXPGF42"]
    # final_schedule.rendered_schedule_entries: 2015-11-10 08:00–17:00 -05:00 Regina; coverage 37.5 % of the
    # rendered day (9 of 24 hours), so nobody the rest of that day.
    entry_start, entry_end = utc("2015-11-10T13:00:00Z"), utc("2015-11-10T22:00:00Z")
    day = utc("2015-11-10T05:00:00Z")
    covered = 0
    for quarter in range(96):
        moment = day + timedelta(minutes=15 * quarter)
        who = on_call(directory, schedule, moment)
        assert who == (regina if entry_start <= moment < entry_end else None), moment
        covered += who is not None
    assert covered / 96 == 0.375
    # schedule_layers[0].rendered_schedule_entries: 2015-11-09 08:00–17:00 -05:00 Regina.
    assert on_call(directory, schedule, utc("2015-11-09T13:00:00Z")) == regina
    assert on_call(directory, schedule, utc("2015-11-09T21:59:59Z")) == regina
    assert on_call(directory, schedule, utc("2015-11-09T22:00:00Z")) is None


def test_daily_engineering_rotation_over_a_year() -> None:
    # Hand-worked: the layer starts 2015-11-06 21:00 New York; from then Regina is on call 08:00–17:00 New York
    # time every day (the restriction), whatever the offset (EST or EDT), and nobody outside it.
    since = utc("2015-11-07T02:00:00Z")

    def expected(moment: datetime) -> str | None:
        local = moment.astimezone(NEW_YORK)
        return "PXPGF42" if moment >= since and time(8) <= local.time() < time(17) else None

    assert agree("pd_schedule_PI7DH85_daily_engineering_rotation.json", utc("2015-10-31T00:00:00Z"),
                 NEW_YORK, expected) >= 200


def test_night_shift_layer_ends_on_the_day_daylight_saving_ends() -> None:
    # Hand-worked: PagerDuty Admin 08:00–17:00 New York from 2015-11-06 20:00 -05:00 until 2016-11-06
    # 20:00 -05:00 (EST again that evening), then nobody.
    since, until = utc("2015-11-07T01:00:00Z"), utc("2016-11-07T01:00:00Z")

    def expected(moment: datetime) -> str | None:
        local = moment.astimezone(NEW_YORK)
        return "PEYSGVF" if since <= moment < until and time(8) <= local.time() < time(17) else None

    assert agree("pd_schedule_PI7DH85_night_shift_list.json", utc("2015-11-20T00:00:00Z"), NEW_YORK,
                 expected) >= 200
    imported, directory, schedule = import_one("pd_schedule_PI7DH85_night_shift_list.json")
    assert on_call(directory, schedule, utc("2016-11-06T21:59:00Z")) == imported.users["PEYSGVF"]  # 16:59 EST
    assert on_call(directory, schedule, utc("2016-11-07T13:00:00Z")) is None  # layer over


def test_v3_shift_schedule_matches_computed_shift_assignment_and_weekday_hours() -> None:
    imported, directory, schedule = import_one("pd_schedule_PL5FQHC_v3_primary_oncall.json")
    user = imported.users["PUSER01"]
    # final_schedule.computed_shift_assignments: 2026-04-29T16:00Z–2026-04-30T00:00Z PUSER01, coverage 100 %.
    start = utc("2026-04-29T16:00:00Z")
    for minute in range(0, 8 * 60, 7):
        assert on_call(directory, schedule, start + timedelta(minutes=minute)) == user
    assert on_call(directory, schedule, start - timedelta(seconds=1)) is None
    assert on_call(directory, schedule, utc("2026-04-30T00:00:00Z")) is None

    # Hand-worked: RRULE weekly MO–FR, 09:00–17:00 Los Angeles, effective from 2026-01-05 17:00Z.
    def expected(moment: datetime) -> str | None:
        local = moment.astimezone(LOS_ANGELES)
        on = local.weekday() < 5 and time(9) <= local.time() < time(17)
        return "PUSER01" if moment >= utc("2026-01-05T17:00:00Z") and on else None

    assert agree("pd_schedule_PL5FQHC_v3_primary_oncall.json", utc("2026-01-04T00:00:00Z"), LOS_ANGELES,
                 expected) >= 200


def test_one_daily_layer_in_paris_hands_off_at_one_oclock_local_all_year() -> None:
    # Hand-worked: virtual start 2023-02-18T00:00Z is 01:00 Paris (CET); one day per turn, USER_ID_1, 2, 3 in
    # turn from that day, handing off at 01:00 on the Paris wall clock in summer (CEST) too; from the layer's
    # start 2023-02-21T17:39:43Z.
    users = ["USER_ID_1", "USER_ID_2", "USER_ID_3"]

    def expected(moment: datetime) -> str | None:
        if moment < utc("2023-02-21T17:39:43Z"):
            return None
        return nth(users, turn_number(moment, PARIS, date(2023, 2, 18), time(1), 1))

    assert agree("pd_schedule_grafana_time_zone.json", utc("2023-02-20T00:00:00Z"), PARIS, expected) >= 200
    imported, directory, schedule = import_one("pd_schedule_grafana_time_zone.json")
    # 2023-03-26 is day 36 from 18 Feb: 36 % 3 = 0 → USER_ID_1 from 01:00 CET (00:00Z) that night; the clocks go
    # forward at 02:00, and the next handoff is 01:00 CEST (23:00Z on the 26th) → day 37 → USER_ID_2.
    assert on_call(directory, schedule, utc("2023-03-26T00:30:00Z")) == imported.users["USER_ID_1"]
    assert on_call(directory, schedule, utc("2023-03-26T22:59:00Z")) == imported.users["USER_ID_1"]
    assert on_call(directory, schedule, utc("2023-03-26T23:00:00Z")) == imported.users["USER_ID_2"]


def test_five_unrestricted_layers_the_highest_listed_first_wins() -> None:
    # Hand-worked: the API lists Layer 5 first (highest). Before 2023-02-19 18:08:11Z no layer has started;
    # Layer 2 (weekly from Wed 15 Feb 18:00 London: turn 0, USER_ID_1) until Layer 5 starts at 19:25:55Z;
    # then Layer 5, fortnightly from Tue 7 Feb 19:00 London, USER_ID_1 then USER_ID_2, covers everything.
    users = ["USER_ID_1", "USER_ID_2"]

    def expected(moment: datetime) -> str | None:
        if moment < utc("2023-02-19T18:08:11Z"):
            return None
        if moment < utc("2023-02-19T19:25:55Z"):
            return nth(users, turn_number(moment, LONDON, date(2023, 2, 15), time(18), 7))
        return nth(users, turn_number(moment, LONDON, date(2023, 2, 7), time(19), 14))

    assert agree("pd_schedule_grafana_no_restrictions.json", utc("2023-02-19T17:00:00Z"), LONDON, expected) >= 200
    imported, directory, schedule = import_one("pd_schedule_grafana_no_restrictions.json")
    assert on_call(directory, schedule, utc("2023-02-19T18:30:00Z")) == imported.users["USER_ID_1"]  # Layer 2
    # Tue 4 Apr 2023 19:00 BST (18:00Z) is 8 weeks after 7 Feb: fortnight 4 → USER_ID_1 again.
    assert on_call(directory, schedule, utc("2023-04-04T17:59:00Z")) == imported.users["USER_ID_2"]
    assert on_call(directory, schedule, utc("2023-04-04T18:00:00Z")) == imported.users["USER_ID_1"]


def test_four_daily_layers_with_weekly_restrictions() -> None:
    # Hand-worked from the restrictions (London wall clock), highest layer first:
    #   Layer 4  Tue 05:00 → Thu 05:00 and Sat 05:00 → Mon 05:00, days counted from Mon 20 Feb 05:00
    #   Layer 3  Mon 00:00 → Sat 00:00, days from Mon 13 Feb 00:00
    #   Layer 2  Mon 16:00 → Tue 16:00 and Wed 16:00 → Fri 16:00, days from Mon 20 Feb 16:00
    #   Layer 1  Mon 17:00 → Tue 17:00 and Wed 17:00 → Sat 17:00, days from Mon 20 Feb 17:00
    # each from its own start; USER_ID_1, 2, 3 take one day each.
    users = ["USER_ID_1", "USER_ID_2", "USER_ID_3"]
    layers = [
        (utc("2023-02-21T19:42:57Z"), [(dow(1, 5), dow(3, 5)), (dow(5, 5), dow(7, 5))], date(2023, 2, 20), time(5)),
        (utc("2023-02-20T17:48:08Z"), [(dow(0, 0), dow(5, 0))], date(2023, 2, 13), time(0)),
        (utc("2023-02-21T16:00:00Z"), [(dow(0, 16), dow(1, 16)), (dow(2, 16), dow(4, 16))], date(2023, 2, 20),
         time(16)),
        (utc("2023-02-21T17:00:00Z"), [(dow(0, 17), dow(1, 17)), (dow(2, 17), dow(5, 17))], date(2023, 2, 20),
         time(17)),
    ]

    def expected(moment: datetime) -> str | None:
        minute = minute_of_week(moment, LONDON)
        for since, spans, first_day, handoff in layers:
            if moment >= since and within(minute, *spans):
                return nth(users, turn_number(moment, LONDON, first_day, handoff, 1))
        return None

    assert agree("pd_schedule_grafana_daily_with_weekly_restrictions.json", utc("2023-02-20T00:00:00Z"), LONDON,
                 expected) >= 200
    imported, directory, schedule = import_one("pd_schedule_grafana_daily_with_weekly_restrictions.json")
    # Sat 25 Mar 2023 03:00 GMT: only Layer 1 (Wed 17:00 → Sat 17:00) covers it; its day began Fri 24 Mar 17:00,
    # 32 days after 20 Feb → 32 % 3 = 2 → USER_ID_3.
    assert on_call(directory, schedule, utc("2023-03-25T03:00:00Z")) == imported.users["USER_ID_3"]
    # Sat 25 Mar 2023 00:00–05:00 only Layer 1; 05:00 Layer 4 (days from 20 Feb 05:00: 33 → USER_ID_1).
    assert on_call(directory, schedule, utc("2023-03-25T05:00:00Z")) == imported.users["USER_ID_1"]
    # Mon 27 Mar 2023 04:00 BST (03:00Z) is still Layer 4's weekend window (until Mon 05:00 local), in the day
    # that began Sun 26 Mar 05:00 BST: day 34 → USER_ID_2.
    assert on_call(directory, schedule, utc("2023-03-27T03:00:00Z")) == imported.users["USER_ID_2"]


@pytest.mark.parametrize("file", ["pd_schedule_PI7DH85_daily_engineering_rotation.json",
                                  "pd_schedule_grafana_daily_with_weekly_restrictions.json"])
def test_layers_keep_the_vendor_names_and_order(file: str) -> None:
    imported, _, _ = import_one(file)
    [schedule] = imported.sections["schedules"]
    names = [layer["name"] for layer in schedule["layers"]]
    assert names == sorted(names)  # "Layer 4" listed first by PagerDuty ends last (highest) here
