"""Grafana OnCall objects written for these tests in the public API's documented shapes (GET /api/v1/…)."""

from __future__ import annotations

from typing import Any

USERS = [
    {"id": "U1", "email": "alex@example.com", "slack": [], "username": "alex", "role": "admin",
     "is_phone_number_verified": False, "timezone": "Europe/Berlin", "teams": ["T1"]},
    {"id": "U2", "email": "bea@example.com", "slack": [], "username": "bea", "role": "user",
     "is_phone_number_verified": True, "timezone": "Europe/Berlin", "teams": ["T1"]},
    {"id": "U3", "email": "cho@example.com", "slack": [], "username": "cho", "role": "user",
     "is_phone_number_verified": False, "timezone": "Asia/Seoul", "teams": []},
]
TEAMS = [{"id": "T1", "name": "Core Platform", "email": "core@example.com", "avatar_url": "https://example.com/a.png"}]
SCHEDULES = [
    {"id": "SPRIMARY", "team_id": "T1", "name": "Primary", "type": "web", "time_zone": "Europe/Berlin",
     "on_call_now": ["U3"], "shifts": ["OWEEK", "ODAY", "OOVER"], "slack": None},
    {"id": "SSECOND", "team_id": None, "name": "Secondary", "type": "calendar", "time_zone": "UTC",
     "on_call_now": [], "shifts": ["OROLL"], "ical_url_overrides": None, "slack": None},
    {"id": "SICAL", "team_id": None, "name": "Mondays", "type": "ical",
     "ical_url_primary": "{base}/calendars/SICAL.ics", "ical_url_overrides": None, "on_call_now": [], "slack": None},
]
SHIFTS = [
    {"id": "OWEEK", "team_id": "T1", "schedule": "SPRIMARY", "name": "Weekly", "type": "rolling_users",
     "time_zone": "Europe/Berlin", "level": 0, "start": "2024-01-01T09:00:00", "rotation_start": "2024-01-01T09:00:00",
     "duration": 604800, "frequency": "weekly", "interval": 1, "week_start": "MO", "by_day": None, "by_month": None,
     "by_monthday": None, "until": None, "rolling_users": [["U1"], ["U2"], ["U3"]],
     "start_rotation_from_user_index": 0, "source": 0},
    {"id": "ODAY", "team_id": "T1", "schedule": "SPRIMARY", "name": "Office hours", "type": "recurrent_event",
     "time_zone": "Europe/Berlin", "level": 1, "start": "2024-01-01T09:00:00", "rotation_start": "2024-01-01T09:00:00",
     "duration": 28800, "frequency": "daily", "interval": 1, "week_start": "MO",
     "by_day": ["MO", "TU", "WE", "TH", "FR"], "by_month": None, "by_monthday": None, "until": None,
     "users": ["U3"], "source": 0},
    {"id": "OOVER", "team_id": "T1", "schedule": "SPRIMARY", "name": "Swap", "type": "override",
     "time_zone": "Europe/Berlin", "level": 0, "start": "2024-06-10T00:00:00", "rotation_start": "2024-06-10T00:00:00",
     "duration": 172800, "users": ["U1"], "source": 0},
    {"id": "OROLL", "team_id": None, "schedule": "SSECOND", "name": "Daily pairs", "type": "rolling_users",
     "time_zone": None, "level": 0, "start": "2024-01-01T00:00:00", "rotation_start": "2024-01-01T00:00:00",
     "duration": 86400, "frequency": "daily", "interval": 1, "week_start": "MO", "by_day": None, "by_month": None,
     "by_monthday": None, "until": None, "rolling_users": [["U1", "U2"], ["U3"]],
     "start_rotation_from_user_index": 1, "source": 0},
]
CALENDAR = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Firebreak tests//OnCall feed//EN
BEGIN:VEVENT
UID:mondays-alex@example.com
DTSTAMP:20240101T000000Z
DTSTART;TZID=Europe/Berlin:20240101T090000
DTEND;TZID=Europe/Berlin:20240101T170000
RRULE:FREQ=WEEKLY;BYDAY=MO
SUMMARY:alex
END:VEVENT
END:VCALENDAR
"""
CHAINS = [{"id": "CHAIN1", "team_id": "T1", "name": "Core default"}]
STEPS = [
    {"id": "E1", "escalation_chain_id": "CHAIN1", "position": 0, "type": "notify_on_call_from_schedule",
     "important": False, "notify_on_call_from_schedule": "SPRIMARY"},
    {"id": "E2", "escalation_chain_id": "CHAIN1", "position": 1, "type": "wait", "duration": 300},
    {"id": "E3", "escalation_chain_id": "CHAIN1", "position": 2, "type": "notify_persons", "important": False,
     "persons_to_notify": ["U2"]},
    {"id": "E4", "escalation_chain_id": "CHAIN1", "position": 3, "type": "notify_whole_channel", "important": False},
    {"id": "E5", "escalation_chain_id": "CHAIN1", "position": 4, "type": "wait", "duration": 600},
    {"id": "E6", "escalation_chain_id": "CHAIN1", "position": 5, "type": "notify_team_members", "important": False,
     "notify_to_team_members": "T1"},
    {"id": "E7", "escalation_chain_id": "CHAIN1", "position": 6, "type": "repeat_escalation"},
]
INTEGRATIONS = [
    {"id": "CGRAFANA", "name": "Grafana alerts", "description_short": None, "team_id": "T1",
     "link": "https://oncall.example.com/integrations/v1/grafana/abc/", "inbound_email": None, "type": "grafana",
     "default_route": {"id": "RDEFAULT", "escalation_chain_id": "CHAIN1", "slack": {"channel_id": None}},
     "templates": {}},
]
ROUTES = [
    {"id": "RDEFAULT", "integration_id": "CGRAFANA", "escalation_chain_id": "CHAIN1", "routing_type": "regex",
     "routing_regex": ".*", "position": 1, "is_the_last_route": True, "slack": {}},
    {"id": "RUS", "integration_id": "CGRAFANA", "escalation_chain_id": "CHAIN1", "routing_type": "regex",
     "routing_regex": "us-(east|west)", "position": 0, "is_the_last_route": False, "slack": {}},
]
NOTIFICATION_RULES = [
    {"id": "N1", "user_id": "U1", "position": 0, "important": False, "type": "notify_by_email"},
    {"id": "N2", "user_id": "U1", "position": 1, "important": False, "type": "wait", "duration": 300},
    {"id": "N3", "user_id": "U1", "position": 2, "important": False, "type": "notify_by_sms"},
]
ENDPOINTS: dict[str, list[dict[str, Any]]] = {
    "users": USERS, "teams": TEAMS, "schedules": SCHEDULES, "on_call_shifts": SHIFTS, "escalation_chains": CHAINS,
    "escalation_policies": STEPS, "integrations": INTEGRATIONS, "routes": ROUTES,
    "personal_notification_rules": NOTIFICATION_RULES,
}


def page(items: list[dict[str, Any]], base: str = "https://oncall.example.com") -> dict[str, Any]:
    """One answer page as the API returns it."""
    return {"count": len(items), "next": None, "previous": None,
            "results": [{key: value.replace("{base}", base) if isinstance(value, str) else value
                         for key, value in item.items()} for item in items],
            "page_size": 50, "current_page_number": 1, "total_pages": 1}
