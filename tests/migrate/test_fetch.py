"""Fetching with the user's token against a local server in the vendors' shapes: paging, rate limits, the token
sent only where it belongs, and the same configuration as importing the saved answers."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from firebreak.kernel.errors import ConfigError
from firebreak.migrate.folder import read_folder
from firebreak.migrate.vendors import VENDORS, fetcher_for
from tests.migrate import oncall_objects as oncall
from tests.migrate.conftest import FIXTURES
from tests.migrate.vendor_server import VendorApi, offset_pages, serving

NOW = datetime(2026, 4, 29, 12, tzinfo=UTC)


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


PD_USERS = [
    {"id": "PXPGF42", "type": "user", "name": "Regina Phalange", "email": "regina@example.com",
     "time_zone": "America/New_York", "teams": [{"id": "PQ9K7I8", "type": "team_reference", "summary": "Engineering"}],
     "contact_methods": [{"id": "PC1", "type": "email_contact_method", "address": "regina@example.com"},
                         {"id": "PC2", "type": "phone_contact_method", "address": "5555550100", "label": "Mobile"}],
     "notification_rules": [{"id": "PR1", "start_delay_in_minutes": 0, "urgency": "high",
                             "contact_method": {"id": "PC1", "type": "email_contact_method_reference"}},
                            {"id": "PR2", "start_delay_in_minutes": 3, "urgency": "high",
                             "contact_method": {"id": "PC2", "type": "phone_contact_method_reference"}}]},
    {"id": "PAM4FGS", "type": "user", "name": "Kyler Kuhn", "email": "kyler@example.com", "time_zone": "UTC",
     "contact_methods": [], "notification_rules": []},
    {"id": "PEYSGVF", "type": "user", "name": "PagerDuty Admin", "email": "admin@example.com", "time_zone": "UTC",
     "contact_methods": [], "notification_rules": []},
]
PD_SERVICE = {"id": "PIJ90N7", "type": "service", "name": "My Mail Service", "status": "active",
              "escalation_policy": {"id": "PT20YPA", "type": "escalation_policy_reference"},
              "teams": [{"id": "PQ9K7I8", "type": "team_reference", "summary": "Engineering"}],
              "integrations": [{"id": "PQ12345", "type": "events_api_v2_inbound_integration_reference",
                                "summary": "Prometheus"},
                               {"id": "PQ67890", "type": "generic_email_inbound_integration_reference",
                                "summary": "Email"}]}


def pagerduty_api() -> VendorApi:
    schedule = fixture("pd_schedule_PI7DH85_daily_engineering_rotation.json")["schedule"]
    policies = [fixture("pd_escalation_policy_PT20YPA_another.json")["escalation_policy"],
                *fixture("pd_escalation_policy_PANZZEQ_engineering_list.json")["escalation_policies"]]
    api = VendorApi(busy_once={"/escalation_policies", "/users"})
    api.routes["/users"] = offset_pages("users", PD_USERS)
    api.routes["/teams"] = offset_pages("teams", [{"id": "PQ9K7I8", "type": "team", "name": "Engineering"}])
    api.routes["/teams/PQ9K7I8/members"] = offset_pages("members", [
        {"user": {"id": "PAM4FGS", "type": "user_reference", "summary": "Kyler Kuhn"}, "role": "manager"}])
    api.routes["/schedules"] = offset_pages("schedules", [{"id": "PI7DH85", "type": "schedule",
                                                           "name": schedule["name"]}])
    api.json("/schedules/PI7DH85", {"schedule": schedule})
    api.routes["/schedules/PI7DH85/overrides"] = offset_pages("overrides", [
        {"id": "PQ47DCP", "start": "2026-05-01T09:00:00-04:00", "end": "2026-05-02T09:00:00-04:00",
         "user": {"id": "PAM4FGS", "type": "user_reference", "summary": "Kyler Kuhn"}}])
    api.routes["/escalation_policies"] = offset_pages("escalation_policies", policies)
    api.routes["/services"] = offset_pages("services", [PD_SERVICE])
    return api


def test_pagerduty_fetch_pages_waits_out_rate_limits_and_sends_the_token(tmp_path: Path) -> None:
    vendor = VENDORS["pagerduty"]
    with serving(pagerduty_api()) as api:
        fetcher = fetcher_for(vendor, "pd-secret-token", api.base_url, sleep=lambda seconds: None)
        bundle = vendor.fetch(fetcher, NOW)
    assert {kind: len(items) for kind, items in bundle.objects.items()} == {
        "users": 3, "teams": 1, "members": 1, "schedules": 1, "overrides": 1, "escalation_policies": 2,
        "services": 1}
    assert fetcher.waited == [0.0, 0.0]  # two 429s, each waited out as Retry-After said
    assert {auth for _, _, auth in api.requests} == {"Token token=pd-secret-token"}
    users = [query for path, query, _ in api.requests if path == "/users"]
    assert [q["offset"] for q in users] == [["0"], ["0"], ["2"]]  # the 429, then two pages
    assert users[-1]["include[]"] == ["contact_methods", "notification_rules"]
    imported = vendor.build(bundle, None)
    regina = next(user for user in imported.sections["users"] if user["handle"] == "regina")
    assert regina["email"] == "regina@example.com" and regina["time_zone"] == "America/New_York"
    [schedule] = imported.sections["schedules"]
    assert schedule["overrides"] == [{"user": "kyler", "start": "2026-05-01T13:00:00Z", "end": "2026-05-02T13:00:00Z",
                                      "reason": "imported override PQ47DCP"}]
    [service] = imported.sections["services"]
    assert service == {"name": "my-mail-service", "team": "engineering",
                       "escalation_policy": "another-escalation-policy"}
    assert any("integration Email" in f.item for f in imported.report.of("unmapped"))
    assert any("integration Prometheus" in f.item and "/v2/enqueue" in f.reason for f in imported.report.of("action"))


def test_the_same_answers_saved_in_a_folder_import_to_the_same_file(tmp_path: Path) -> None:
    vendor = VENDORS["pagerduty"]
    with serving(pagerduty_api()) as api:
        fetched = vendor.build(vendor.fetch(fetcher_for(vendor, "t", api.base_url, sleep=lambda s: None), NOW), None)
    (tmp_path / "users.json").write_text(json.dumps({"users": PD_USERS, "more": False}))
    (tmp_path / "teams.json").write_text(json.dumps({"teams": [{"id": "PQ9K7I8", "type": "team",
                                                                "name": "Engineering"}]}))
    (tmp_path / "members.json").write_text(json.dumps({"members": [
        {"user": {"id": "PAM4FGS", "type": "user_reference", "summary": "Kyler Kuhn"}, "role": "manager",
         "team": {"id": "PQ9K7I8", "summary": "Engineering"}}]}))
    (tmp_path / "overrides.json").write_text(json.dumps({"overrides": [
        {"id": "PQ47DCP", "start": "2026-05-01T09:00:00-04:00", "end": "2026-05-02T09:00:00-04:00",
         "user": {"id": "PAM4FGS", "type": "user_reference", "summary": "Kyler Kuhn"}, "schedule_id": "PI7DH85"}]}))
    (tmp_path / "services.json").write_text(json.dumps({"services": [PD_SERVICE]}))
    saved = [FIXTURES / "pd_schedule_PI7DH85_daily_engineering_rotation.json",
             FIXTURES / "pd_escalation_policy_PT20YPA_another.json",
             FIXTURES / "pd_escalation_policy_PANZZEQ_engineering_list.json", tmp_path]
    folder = vendor.build(read_folder(saved, vendor.classify, vendor.label), None)
    assert folder.to_yaml() == fetched.to_yaml()


def opsgenie_api() -> VendorApi:
    first_line = fixture("og_schedule_first_line.json")["data"]
    second = fixture("og_schedule_ooh_second_line.json")["data"]
    api = VendorApi(busy_once={"/v2/schedules"})
    api.json("/v2/users", {"data": [{"id": "acd9af98-e3c0-4588-8276-1c545911e44f", "username": "chris@dxw.com",
                                     "fullName": "Chris", "timeZone": "Europe/London"}],
                           "paging": {}, "took": 0.1, "requestId": "r"})
    api.json("/v2/users/acd9af98-e3c0-4588-8276-1c545911e44f/contacts", {"data": [
        {"id": "c1", "method": "email", "to": "chris@dxw.com", "status": {"enabled": True}},
        {"id": "c2", "method": "voice", "to": "44-7700900000", "status": {"enabled": True}}]})
    api.json("/v2/teams", {"data": [{"id": "72c99d92-c7c8-4fd9-b8db-9cc293cd19e7", "name": "support_team"}]})
    api.json("/v2/teams/72c99d92-c7c8-4fd9-b8db-9cc293cd19e7", {"data": {
        "id": "72c99d92-c7c8-4fd9-b8db-9cc293cd19e7", "name": "support_team", "description": "",
        "members": [{"user": {"id": "acd9af98-e3c0-4588-8276-1c545911e44f", "username": "chris@dxw.com"},
                     "role": "admin"}]}})
    api.routes["/v2/schedules"] = lambda query: (200, {}, {"data": [first_line], "paging": {
        "next": f"{api.base_url}/v2/schedules/page-2"}})
    api.json("/v2/schedules/page-2", {"data": [second], "paging": {}})
    for schedule in (first_line, second):
        api.json(f"/v2/schedules/{schedule['id']}/overrides", {"data": []})
    api.json("/v2/escalations", {"data": [fixture("og_escalation_Engineering_escalation.json")]})
    api.json("/v2/heartbeats", {"data": {"heartbeats": [{"name": "nightly-backup", "description": "",
                                                         "interval": 1, "intervalUnit": "days", "enabled": True,
                                                         "ownerTeam": {"name": "support_team"}}]}})
    api.json("/v2/integrations", {"data": [{"id": "i1", "name": "Default API", "enabled": True, "type": "API",
                                            "teamId": "72c99d92-c7c8-4fd9-b8db-9cc293cd19e7"},
                                           {"id": "i2", "name": "Jira", "enabled": True, "type": "Jira",
                                            "teamId": "72c99d92-c7c8-4fd9-b8db-9cc293cd19e7"}]})
    return api


def test_opsgenie_fetch_follows_paging_next_and_keeps_heartbeats_and_integrations_in_the_report() -> None:
    vendor = VENDORS["opsgenie"]
    with serving(opsgenie_api()) as api:
        fetcher = fetcher_for(vendor, "og-key", api.base_url, sleep=lambda seconds: None)
        bundle = vendor.fetch(fetcher, NOW)
    assert {auth for _, _, auth in api.requests} == {"GenieKey og-key"}
    assert [query for path, query, _ in api.requests if path == "/v2/schedules"][-1]["expand"] == ["rotation"]
    assert len(bundle.of("schedules")) == 2 and fetcher.waited == [0.0]
    imported = vendor.build(bundle, None)
    assert len(imported.sections["schedules"]) == 7  # six rotations of first_line, one of ooh_second_line
    report = imported.report
    assert any(f.subject == "heartbeat nightly-backup" for f in report.of("unmapped"))
    assert any(f.subject == "integration Default API" and "/v2/alerts" in f.reason for f in report.of("action"))
    assert any(f.subject == "integration Jira" for f in report.of("unmapped"))
    assert any(f.subject == "user chris" and f.item.startswith("voice") for f in report.of("unmapped"))
    [team] = [team for team in imported.sections["teams"] if team["name"] == "support_team"]
    assert team["members"] == ["chris"]


def test_grafana_oncall_fetch_follows_next_and_reads_ical_feeds_without_the_token() -> None:
    vendor = VENDORS["grafana-oncall"]
    api = VendorApi()
    with serving(api):
        for name, items in oncall.ENDPOINTS.items():
            if name == "users":  # two pages, linked by `next`
                api.json("/api/v1/users/", {**oncall.page(items[:2], api.base_url),
                                            "next": f"{api.base_url}/api/v1/users/?page=2"})
                api.routes["/api/v1/users/"] = lambda query, items=items: (200, {}, {
                    **oncall.page(items[2:] if query.get("page") == ["2"] else items[:2], api.base_url),
                    "next": None if query.get("page") == ["2"] else f"{api.base_url}/api/v1/users/?page=2"})
            else:
                api.json(f"/api/v1/{name}/", oncall.page(items, api.base_url))
        api.routes["/calendars/SICAL.ics"] = lambda query: (200, {}, oncall.CALENDAR)
        bundle = vendor.fetch(fetcher_for(vendor, "oncall-token", api.base_url + "/oncall/../"), NOW)
    assert len(bundle.of("users")) == 3 and "SICAL.ics" in bundle.extra
    feeds = [auth for path, _, auth in api.requests if path.endswith(".ics")]
    assert feeds == [None]
    assert {auth for path, _, auth in api.requests if path.startswith("/api/")} == {"oncall-token"}
    imported = vendor.build(bundle, None)
    assert imported.schedules["SICAL"] == ["mondays"]


def test_a_refused_token_and_an_api_that_stays_busy_fail_clearly() -> None:
    vendor = VENDORS["pagerduty"]
    api = VendorApi()
    api.routes["/users"] = lambda query: (401, {}, {"error": {"message": "Unauthorized"}})
    with serving(api), pytest.raises(ConfigError, match="401: the token was refused"):
        vendor.fetch(fetcher_for(vendor, "bad", api.base_url, sleep=lambda s: None), NOW)
    api = VendorApi()
    api.routes["/users"] = lambda query: (429, {"ratelimit-reset": "1"}, {})
    with serving(api):
        fetcher = fetcher_for(vendor, "t", api.base_url, sleep=lambda s: None)
        with pytest.raises(ConfigError, match="still 429"):
            vendor.fetch(fetcher, NOW)
    assert fetcher.waited == [1.0] * 6
