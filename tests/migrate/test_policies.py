"""Imported escalation policies page the same people after the same delays as the vendor's policy, worked by
hand from its rules; what cannot be carried over is in the report."""

from __future__ import annotations

import json
from pathlib import Path

from firebreak.migrate.bundle import Bundle
from firebreak.migrate.folder import read_folder
from firebreak.migrate.opsgenie import classify as classify_opsgenie
from firebreak.migrate.opsgenie import import_opsgenie
from firebreak.migrate.pagerduty import classify, import_pagerduty
from tests.migrate.conftest import FIXTURES, loaded, policy_walk
from tests.migrate.oracle import utc


def pagerduty(*files: str):  # type: ignore[no-untyped-def]
    imported = import_pagerduty(read_folder([FIXTURES / file for file in files], classify, "PagerDuty"))
    return imported, loaded(imported)


def test_pagerduty_policy_loops_twice_and_resolves_the_schedule_at_each_turn() -> None:
    imported, directory = pagerduty("pd_escalation_policy_PT20YPA_another.json",
                                    "pd_schedule_PI7DH85_daily_engineering_rotation.json")
    kyler, regina = imported.users["PAM4FGS"], imported.users["PXPGF42"]
    # Hand-worked: one rule (Kyler Kuhn + whoever is on call in PI7DH85), 30 minutes, num_loops 2 → the rule
    # three times, at 0, 30 and 60 minutes. Started 16:45 New York: Regina is on until 17:00, so only the first
    # turn reaches her.
    assert policy_walk(directory, imported.policies["PT20YPA"], utc("2015-11-10T21:45:00Z")) == [
        (0, {kyler, regina}), (30, {kyler}), (60, {kyler})]
    [policy] = [p for p in imported.sections["escalation_policies"] if p["name"] == imported.policies["PT20YPA"]]
    assert policy["repeat"] == 2 and policy["levels"][0]["wait"] == "30m"


def test_pagerduty_policy_without_loops_pages_once() -> None:
    imported, directory = pagerduty("pd_escalation_policy_PANZZEQ_engineering_list.json",
                                    "pd_schedule_PI7DH85_daily_engineering_rotation.json")
    admin, regina = imported.users["PEYSGVF"], imported.users["PXPGF42"]
    assert policy_walk(directory, imported.policies["PANZZEQ"], utc("2015-11-10T14:00:00Z")) == [(0, {admin, regina})]
    assert policy_walk(directory, imported.policies["PANZZEQ"], utc("2015-11-10T23:00:00Z")) == [(0, {admin})]


def test_pagerduty_policy_whose_schedule_was_not_read_reports_the_target() -> None:
    imported, directory = pagerduty("pd_escalation_policy_PANZZEQ_engineering_list.json")
    assert policy_walk(directory, imported.policies["PANZZEQ"], utc("2015-11-10T14:00:00Z")) == [
        (0, {imported.users["PEYSGVF"]})]
    [finding] = imported.report.of("unmapped")
    assert finding.subject.startswith("escalation policy PANZZEQ") and "target PI7DH85" in finding.item


# A schedule and a team in Opsgenie's documented shapes (GET /v2/schedules/{id}, GET /v2/teams/{id}) for the
# published escalations, which name them: Engineering_schedule has two rotations on call at once.
ENGINEERING_SCHEDULE = {"data": {
    "id": "7835aa84-7440-41d5-90bf-92e0045714d5", "name": "Engineering_schedule", "timezone": "Europe/London",
    "enabled": True, "ownerTeam": {"id": "51d69df8-c40b-439e-9808-e1a78e54f91b", "name": "Engineering"},
    "rotations": [
        {"id": "r1", "name": "days", "startDate": "2024-01-01T09:00:00Z", "type": "weekly", "length": 1,
         "participants": [{"type": "user", "id": "u-ann", "username": "ann@example.com"},
                          {"type": "user", "id": "u-bob", "username": "bob@example.com"}]},
        {"id": "r2", "name": "backup", "startDate": "2024-01-01T09:00:00Z", "type": "daily", "length": 1,
         "participants": [{"type": "user", "id": "u-cat", "username": "cat@example.com"}]},
    ]}}
ENGINEERING_TEAM = {"data": {
    "id": "51d69df8-c40b-439e-9808-e1a78e54f91b", "name": "Engineering", "description": "",
    "members": [{"user": {"id": "u-dan", "username": "dan@example.com"}, "role": "admin"},
                {"user": {"id": "u-eve", "username": "eve@example.com"}, "role": "user"}]}}


def opsgenie_with(tmp_path: Path, *fixtures: str, extra: dict[str, object]):  # type: ignore[no-untyped-def]
    for name, document in extra.items():
        (tmp_path / name).write_text(json.dumps(document), encoding="utf-8")
    bundle: Bundle = read_folder([*(FIXTURES / file for file in fixtures), tmp_path], classify_opsgenie, "Opsgenie")
    imported = import_opsgenie(bundle)
    return imported, loaded(imported)


def test_opsgenie_escalation_pages_every_rotation_then_the_team_at_the_rules_delays(tmp_path: Path) -> None:
    imported, directory = opsgenie_with(tmp_path, "og_escalation_Engineering_escalation.json",
                                        extra={"schedule.json": ENGINEERING_SCHEDULE, "team.json": ENGINEERING_TEAM})
    name = imported.policies["9a441a8d-2410-43f4-9ef2-f7a265e12b74"]
    users = imported.users
    # Hand-worked from the rules: at 0 the schedule's on-call people (both rotations: Ann's week 1 of 2024, Cat
    # daily) — at 5 the *next* on-call person (not imported, see below) — at 10 every member of Engineering.
    # Delays count from the start of the escalation; nothing repeats.
    assert policy_walk(directory, name, utc("2024-01-02T12:00:00Z")) == [
        (0, {users["u-ann"], users["u-cat"]}), (10, {users["u-dan"], users["u-eve"]})]
    assert policy_walk(directory, name, utc("2024-01-09T12:00:00Z"))[0] == (0, {users["u-bob"], users["u-cat"]})
    [dropped] = imported.report.of("unmapped")
    assert dropped.item == "rule 2 (next of schedule Engineering_schedule)" and "left out" in dropped.reason


def test_opsgenie_rules_with_a_user_between_schedule_rules(tmp_path: Path) -> None:
    schedule = json.loads(json.dumps(ENGINEERING_SCHEDULE).replace("7835aa84-7440-41d5-90bf-92e0045714d5",
                                                                   "df918339-b999-4878-b69b-3c2c0d508b01"))
    team = json.loads(json.dumps(ENGINEERING_TEAM).replace("51d69df8-c40b-439e-9808-e1a78e54f91b",
                                                           "fbbc3f9a-12f4-4794-9938-7e0a85a06f8b"))
    imported, directory = opsgenie_with(tmp_path, "og_escalation_Integration_Team_escalation.json",
                                        extra={"schedule.json": schedule, "team.json": team})
    users = imported.users
    # Hand-worked: schedule at 0, the user dv@ at 1, next-on-call at 5 (not imported), the whole team at 10.
    assert policy_walk(directory, imported.policies["c8a0f950-577c-4da5-894b-1fd463d9f51c"],
                       utc("2024-01-02T12:00:00Z")) == [
        (0, {users["u-ann"], users["u-cat"]}), (1, {users["154d6425-c120-4beb-a3e6-a66c8c44f61d"]}),
        (10, {users["u-dan"], users["u-eve"]})]


def test_opsgenie_repeat_walks_the_rules_again_after_the_wait_interval(tmp_path: Path) -> None:
    escalation = {"data": {"id": "esc", "name": "repeating", "ownerTeam": {"id": "t", "name": "ops"},
                           "rules": [{"condition": "if-not-acked", "notifyType": "default",
                                      "delay": {"timeAmount": 0, "timeUnit": "minutes"},
                                      "recipient": {"type": "user", "id": "u1", "username": "one@example.com"}},
                                     {"condition": "if-not-acked", "notifyType": "default",
                                      "delay": {"timeAmount": 1, "timeUnit": "hours"},
                                      "recipient": {"type": "user", "id": "u2", "username": "two@example.com"}}],
                           "repeat": {"waitInterval": 15, "count": 2, "resetRecipientStates": False,
                                      "closeAlertAfterAll": False}}}
    imported, directory = opsgenie_with(tmp_path, extra={"escalation.json": escalation})
    one, two = imported.users["u1"], imported.users["u2"]
    # Hand-worked: one at 0, two at 60, then 15 minutes later the rules again, twice: 75 / 135, 150 / 210.
    assert policy_walk(directory, "repeating", utc("2024-01-02T12:00:00Z")) == [
        (0, {one}), (60, {two}), (75, {one}), (135, {two}), (150, {one}), (210, {two})]
