"""Opsgenie schedules imported from the published fixtures: everyone on call in any rotation, as Opsgenie's own
on-call answers say, and hand-worked tables over a year with its daylight-saving changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from firebreak.escalate.directory import Directory
from firebreak.migrate.draft import Imported
from firebreak.migrate.folder import read_folder
from firebreak.migrate.opsgenie import classify, import_opsgenie
from tests.migrate.conftest import FIXTURES, loaded, on_call
from tests.migrate.oracle import dow, dst_changes, minute_of_week, nth, sample_year, turn_number, utc, within

LONDON, KIROV = ZoneInfo("Europe/London"), ZoneInfo("Europe/Kirov")
WEEKDAY_HOURS = [(dow(day, 10), dow(day, 18)) for day in range(5)]
OUT_OF_HOURS = [(dow(day, 18), dow(day + 1, 10)) for day in range(4)] + [(dow(4, 18), dow(7, 10))]


def import_file(file: str) -> tuple[Imported, Directory]:
    imported = import_opsgenie(read_folder(FIXTURES / file, classify, "Opsgenie"))
    return imported, loaded(imported, file)


def everyone_on_call(imported: Imported, directory: Directory, schedule_id: str, moment: datetime) -> set[str]:
    """Everyone the imported schedules of one Opsgenie schedule put on call (all its rotations together)."""
    names = imported.schedules[schedule_id]
    return {who for who in (on_call(directory, name, moment) for name in names) if who is not None}


def handles(imported: Imported, vendor_ids: set[str]) -> set[str]:
    return {imported.users[vendor_id] for vendor_id in vendor_ids}


FIRST_LINE = "e71d500f-896a-4b28-8b08-3bfe56e1ed76"
SYSTEMS, CHRIS, ROBBIE, LAURA = ("19e39115-07d5-4924-8295-332a66dd1569", "acd9af98-e3c0-4588-8276-1c545911e44f",
                                 "5995df24-ec93-43b5-9745-7efa7e618523", "21f850b7-412e-4940-8376-19827331f47e")
OLIVIA = "c0b51b7f-302d-4d95-b069-9b57d4fff3b0"
DEV = ["98541326-60c6-4329-be8e-3f0f236db814", "1c45a7c7-d73d-4ea2-9dba-36a60edd8344",
       "b53ce86a-29f5-458e-9416-4dc1c75d4c73", "8e3d055d-2b50-444d-ab89-d4353e831219",
       "6703708a-4940-421f-a147-9d6a633a078a", "9de61103-0d61-4f86-9dbf-154bbdca9cd8",
       "e608a4a1-9ba8-4e4c-8ae1-3cb46b0f72af", ROBBIE, "916644d3-4d7b-4447-af49-f1232d182724", LAURA,
       "f2191082-689f-4afb-9591-dd26c9887b17"]
OOH_MINUS_BOB = [CHRIS, OLIVIA, ROBBIE, "45e0e1a5-72f0-4df9-a449-13a4c35c486f", "8e3d055d-2b50-444d-ab89-d4353e831219",
                 "ae8e603e-8e4d-441f-81a8-eb38cc0df67d"]


def test_first_line_agrees_with_opsgenies_on_call_answers() -> None:
    imported, directory = import_file("og_schedule_first_line.json")
    assert len(imported.schedules[FIRST_LINE]) == 6  # one Firebreak schedule per rotation
    for file in ("og_oncalls_first_line_2019-10-15T10Z.json", "og_oncalls_first_line_2019-10-25T10Z.json"):
        [(_, answer)] = classify(__import__("json").loads((FIXTURES / file).read_text()))
        moment = utc(file.split("_")[-1].removesuffix(".json").replace("T10Z", "T10:00:00Z"))
        expected = {imported.users[person["id"]] for person in answer["onCallParticipants"]}
        assert everyone_on_call(imported, directory, FIRST_LINE, moment) == expected


def first_line_expected(moment: datetime) -> set[str]:
    # Hand-worked from the rotations (London wall clock):
    #   On Call Phone  systems@, alone, always (daily from 2017-03-15)
    #   Ops, OOH       ended 2019-09-04
    #   Ops minus bob  olivia, chris weekly from Wed 4 Sep 2019 08:00, Mon–Fri 10:00–18:00
    #   Dev            11 people weekly from Wed 21 Aug 2019 10:00, Mon–Fri 10:00–18:00
    #   OOH minus bob  6 people weekly from Wed 4 Sep 2019 10:00 until 2019-12-11 11:00Z, weekdays 18:00 → 10:00
    #                  and Friday 18:00 → Monday 10:00
    minute = minute_of_week(moment, LONDON)
    people = {SYSTEMS}
    if within(minute, *WEEKDAY_HOURS):
        people.add(nth([OLIVIA, CHRIS], turn_number(moment, LONDON, date(2019, 9, 4), time(8), 7)))  # type: ignore[arg-type]
        people.add(nth(DEV, turn_number(moment, LONDON, date(2019, 8, 21), time(10), 7)))  # type: ignore[arg-type]
    if moment < utc("2019-12-11T11:00:00Z") and within(minute, *OUT_OF_HOURS):
        people.add(nth(OOH_MINUS_BOB, turn_number(moment, LONDON, date(2019, 9, 4), time(10), 7)))  # type: ignore[arg-type]
    return people


def compare(file: str, schedule_id: str, moments: list[datetime], expected: Callable[[datetime], set[str]]) -> None:
    imported, directory = import_file(file)
    wrong = [(moment.isoformat(), got, want) for moment in moments
             if (got := everyone_on_call(imported, directory, schedule_id, moment))
             != (want := handles(imported, expected(moment)))]
    assert wrong == []


def test_first_line_over_a_year() -> None:
    first = utc("2019-09-27T00:00:00Z")
    moments = sample_year(first, LONDON)
    assert len(moments) >= 200 and dst_changes(first, LONDON) == 2
    compare("og_schedule_first_line.json", FIRST_LINE, moments, first_line_expected)
    # Hand-worked around the end of summer time (Sun 27 Oct 2019): OOH minus bob hands off on Wednesdays at
    # 10:00 London time; Wed 30 Oct 09:30 GMT is still the turn that began Wed 23 Oct 10:00 BST (turn 7 from 4 Sep
    # → 7 % 6 = 1 → olivia), though a week has passed in absolute time at 09:00Z.
    assert OLIVIA in first_line_expected(utc("2019-10-30T09:30:00Z"))
    imported, directory = import_file("og_schedule_first_line.json")
    assert imported.users[OLIVIA] in everyone_on_call(imported, directory, FIRST_LINE, utc("2019-10-30T09:30:00Z"))


def test_out_of_hours_second_line_over_a_year() -> None:
    # Hand-worked: chris, dom, lee weekly from Wed 11 Sep 2019 10:30 London, out of hours only.
    people = ["acd9af98-e3c0-4588-8276-1c545911e44f", "45e0e1a5-72f0-4df9-a449-13a4c35c486f",
              "055dad59-af7f-42a3-8591-9ac04863e546"]

    def expected(moment: datetime) -> set[str]:
        if moment < utc("2019-09-11T09:30:00Z") or not within(minute_of_week(moment, LONDON), *OUT_OF_HOURS):
            return set()
        return {nth(people, turn_number(moment, LONDON, date(2019, 9, 11), time(10, 30), 7))}  # type: ignore[arg-type]

    first = utc("2019-09-01T00:00:00Z")
    compare("og_schedule_ooh_second_line.json", "b8e97704-0e9d-41b5-b27c-9d9027c83943", sample_year(first, LONDON),
            expected)


def test_hourly_rotation_with_an_empty_turn_in_a_zone_without_daylight_saving() -> None:
    # Hand-worked: Europe/Kirov is UTC+3 all year. From 2017-02-06 05:00Z (08:00 local) turns of six hours
    # alternate user@opsgenie.com and nobody ("type": "none"), only 08:00–18:30 local, until 2017-02-23 06:00Z.
    user = "96414alp-3ea5-41b1-a019-601598627d68"

    def expected(moment: datetime) -> set[str]:
        start, until = utc("2017-02-06T05:00:00Z"), utc("2017-02-23T06:00:00Z")
        local = moment.astimezone(KIROV).time()
        if not start <= moment < until or not time(8) <= local < time(18, 30):
            return set()
        return {user} if (moment - start) // timedelta(hours=6) % 2 == 0 else set()

    first = utc("2017-02-05T00:00:00Z")
    moments = sorted({*sample_year(first, KIROV), *(first + timedelta(minutes=47 * n) for n in range(600))})
    compare("og_schedule_docs_ScheduleName_hourly.json", "4a9e4b7c-b5d2-4ecb-b82c-e3b52alp829cf", moments, expected)
    imported, directory = import_file("og_schedule_docs_ScheduleName_hourly.json")
    # Turn 0 is 08:00–14:00 local (the user), turn 1 14:00–20:00 (nobody), turn 2 20:00–02:00 (the user, but outside
    # 08:00–18:30), turn 3 02:00–08:00 (nobody): four turns a day, so the user is on call 08:00–14:00 every day.
    schedule = "4a9e4b7c-b5d2-4ecb-b82c-e3b52alp829cf"
    assert everyone_on_call(imported, directory, schedule, utc("2017-02-06T10:59:00Z")) == {imported.users[user]}
    assert everyone_on_call(imported, directory, schedule, utc("2017-02-06T11:00:00Z")) == set()
    assert everyone_on_call(imported, directory, schedule, utc("2017-02-06T15:29:00Z")) == set()
    assert everyone_on_call(imported, directory, schedule, utc("2017-02-07T05:00:00Z")) == {imported.users[user]}


def test_weekly_rotation_with_a_team_participant_leaves_its_turns_empty_and_says_so() -> None:
    # Hand-worked: weekly from Mon 15 May 2017 00:00 Kirov; user@opsgenie.com, then the team ops_team (a turn
    # Firebreak cannot give to one person: nobody), and so on.
    user = "a9514028-2bca-4510-alpf-4b65f2c33a56"

    def expected(moment: datetime) -> set[str]:
        if moment < utc("2017-05-14T21:00:00Z"):
            return set()
        return {user} if turn_number(moment, KIROV, date(2017, 5, 15), time(0), 7) % 2 == 0 else set()

    compare("og_schedule_docs_ScheduleName_weekly_list.json", "d875e654-9b4e-4219-alp3-0c26936d18de",
            sample_year(utc("2017-05-01T00:00:00Z"), KIROV), expected)
    imported, _ = import_file("og_schedule_docs_ScheduleName_weekly_list.json")
    [finding] = imported.report.of("unmapped")
    assert "participant ops_team" in finding.item and "type 'team'" in finding.reason
