"""Migrate: Opsgenie (REST API v2 object shapes) → Firebreak users, teams, schedules and escalation
policies, with heartbeats and integrations in the report. Pure.

An Opsgenie escalation rule's delay counts from the start of the escalation; a Firebreak level
waits before the next one. Rules with the same delay become one level, each level waits until the
next rule's delay, and `repeat.count` walks the levels again `waitInterval` minutes after the last.
"""

from __future__ import annotations

from typing import Any

from firebreak.migrate.bundle import Bundle, VendorObject, sort_items
from firebreak.migrate.draft import Draft, Imported, Section, finish
from firebreak.migrate.opsgenie_schedules import map_schedule
from firebreak.migrate.options import ImportOptions

VENDOR = "Opsgenie"
MAX_REPEAT = 20
MINUTES = {"minutes": 1, "hours": 60, "days": 1440}
INTEGRATION_ENDPOINTS = {
    "API": "POST /v2/alerts (Opsgenie Alert API v2; Authorization: GenieKey <ingest key>)",
    "Prometheus": "POST /api/v1/alerts/alertmanager (Alertmanager webhook_configs)",
    "Alertmanager": "POST /api/v1/alerts/alertmanager (Alertmanager webhook_configs)",
    "Grafana": "POST /api/v1/alerts/grafana (Grafana webhook contact point)",
    "Sentry": "POST /api/v1/alerts/sentry (Sentry alert webhook)",
}


def classify_item(item: VendorObject) -> str | None:
    if "rotations" in item or ("timezone" in item and "rules" not in item):
        return "schedules"
    if "rules" in item:
        return "escalations"
    if "onCallParticipants" in item:
        return "oncalls"
    if "intervalUnit" in item:
        return "heartbeats"
    if "alias" in item and "startDate" in item and "user" in item:
        return "overrides"
    if "username" in item:
        return "users"
    if "members" in item:
        return "teams"
    if "type" in item and ("teamId" in item or "ownerTeam" in item):
        return "integrations"
    return None


def classify(document: Any) -> list[tuple[str, VendorObject]]:
    """The Opsgenie objects in one answer (`{"data": …}`) or one object on its own, by kind."""
    if not isinstance(document, dict):
        return []
    data = document.get("data", document)
    if isinstance(data, dict) and isinstance(data.get("heartbeats"), list):
        data = data["heartbeats"]
    return sort_items(data if isinstance(data, list) else [data], classify_item)


def import_opsgenie(bundle: Bundle, options: ImportOptions | None = None) -> Imported:
    """Map every Opsgenie object in `bundle` (see the module docstring)."""
    options = options or ImportOptions()
    draft = Draft.for_bundle(VENDOR, bundle)
    if bundle.of("oncalls"):
        draft.report.add("note", "on-call answers", f"{len(bundle.of('oncalls'))} read",
                         "answers of GET /v2/schedules/{id}/on-calls are not configuration; nothing imported")
    for user in bundle.of("users"):
        map_user(user, draft, options)
    for team in bundle.of("teams"):
        map_team(team, draft)
    overrides: dict[str, list[VendorObject]] = {}
    for override in bundle.of("overrides"):
        overrides.setdefault(str((override.get("_parent") or {}).get("id") or ""), []).append(override)
    for schedule in bundle.of("schedules"):
        owner = schedule.get("ownerTeam") or {}
        if owner.get("id"):
            draft.team(str(owner["id"]), owner.get("name"))
        map_schedule(schedule, draft, overrides.get(str(schedule.get("id")), []))
    for escalation in bundle.of("escalations"):
        map_escalation(escalation, draft)
    for heartbeat in bundle.of("heartbeats"):
        draft.report.add("unmapped", f"heartbeat {heartbeat.get('name')}",
                         f"every {heartbeat.get('interval')} {heartbeat.get('intervalUnit')}",
                         "Firebreak has no heartbeat monitor; alert on the sender going quiet where it runs "
                         "(e.g. an always-firing Alertmanager Watchdog rule that a dead-man's switch watches)")
    for integration in bundle.of("integrations"):
        map_integration(integration, draft)
    return finish(draft)


def map_user(user: VendorObject, draft: Draft, options: ImportOptions) -> None:
    username = user.get("username")
    handle = draft.user(str(user["id"]), name=user.get("fullName") or username, email=username,
                        time_zone=user.get("timeZone"))
    contact: list[Section] = []
    for method in user.get("userContacts") or user.get("contacts") or []:
        kind = method.get("contactMethod") or method.get("method")
        address = str(method.get("to") or "")
        if (method.get("status") or {}).get("enabled", method.get("enabled", True)) is False:
            continue
        if kind == "email":
            via = options.email_contact(address)
            if via is None:
                draft.report.add("action", f"user {handle}", f"e-mail contact {address}",
                                 "not paged: give --email-via (an apprise mailto URL with {email}) to page by e-mail")
            elif all(entry["via"] != via for entry in contact):
                contact.append({"via": via})
        else:
            draft.report.add("unmapped", f"user {handle}", f"{kind} contact {address}".strip(),
                             "Firebreak pages through apprise URLs; a phone number needs an SMS or voice gateway "
                             "account (e.g. twilio://…) added by hand; there is no Opsgenie app to push to")
    if contact:
        draft.users[str(user["id"])]["contact"] = contact


def map_team(team: VendorObject, draft: Draft) -> None:
    name = draft.team(str(team["id"]), team.get("name"))
    if team.get("description"):
        draft.teams[str(team["id"])]["description"] = str(team["description"])
    for member in team.get("members") or []:
        user = member.get("user") or {}
        if user.get("id"):
            username = user.get("username")
            handle = draft.user(str(user["id"]), email=username, name=username, by_reference=True)
            draft.add_member(str(team["id"]), handle)
            if member.get("role") == "admin":
                draft.teams[str(team["id"])].setdefault("_admins", []).append(handle)
    del name


def rule_delay(rule: VendorObject) -> int:
    delay = rule.get("delay") or {}
    return int(delay.get("timeAmount") or 0) * MINUTES.get(str(delay.get("timeUnit") or "minutes"), 1)


def map_escalation(escalation: VendorObject, draft: Draft) -> None:
    subject = f"escalation {escalation.get('id')} ({escalation.get('name')})"
    at: dict[int, list[str]] = {}
    for number, rule in enumerate(escalation.get("rules") or [], start=1):
        targets = rule_targets(rule, draft, subject, number)
        if rule.get("condition") == "if-not-closed":
            draft.report.add("approximated", subject, f"rule {number} (if-not-closed)",
                             "Firebreak stops escalating at acknowledgement; `ack_timeout` pages again if an "
                             "acknowledged incident stays open")
        if targets:
            merged = at.setdefault(rule_delay(rule), [])
            merged += [target for target in targets if target not in merged]
    if not at:
        draft.report.add("unmapped", subject, "the whole escalation", "no rule could be imported")
        return
    delays = sorted(at)
    if delays[0]:
        draft.report.add("approximated", subject, "first rule", f"Opsgenie waits {delays[0]} minutes before the first "
                         "notification it can import; Firebreak's first level pages at once")
    repeat = escalation.get("repeat") or {}
    count = int(repeat.get("count") or 0) if repeat.get("waitInterval") is not None else 0
    after_last = int(repeat.get("waitInterval") or 0) if count else 0
    levels = [{"notify": at[delay],
               "wait": f"{(delays[index + 1] if index + 1 < len(delays) else delay + after_last) - delay}m"}
              for index, delay in enumerate(delays)]
    entry: Section = {"name": draft.policy_namer.name(escalation.get("name") or "escalation", fallback="escalation")}
    if escalation.get("description"):
        entry["description"] = str(escalation["description"])
    entry["levels"] = levels
    if count:
        entry["repeat"] = min(count, MAX_REPEAT)
    draft.policies[str(escalation.get("id") or entry["name"])] = entry
    owner = escalation.get("ownerTeam") or {}
    if owner.get("id"):
        draft.team(str(owner["id"]), owner.get("name"))
        draft.teams[str(owner["id"])].setdefault("escalation_policy", entry["name"])


def rule_targets(rule: VendorObject, draft: Draft, subject: str, number: int) -> list[str]:
    recipient = rule.get("recipient") or {}
    kind, notify = recipient.get("type"), rule.get("notifyType") or "default"
    label = f"rule {number} ({notify} of {kind} {recipient.get('name') or recipient.get('username') or ''})".strip()
    if kind == "user" and recipient.get("id"):
        username = recipient.get("username") or recipient.get("name")
        return [f"user:{draft.user(str(recipient['id']), email=username, name=username, by_reference=True)}"]
    if kind == "schedule" and notify == "default":
        names = draft.schedule_names.get(str(recipient.get("id")))
        if names:
            return [f"schedule:{name}" for name in names]
        draft.report.add("unmapped", subject, label, "the schedule is not among the imported ones")
        return []
    if kind == "schedule":
        draft.report.add("unmapped", subject, label, f"notifying the {notify} on-call person of a schedule has no "
                         "Firebreak equivalent (levels page whoever is on call now); the rule is left out")
        return []
    if kind == "team" and recipient.get("id"):
        team_id = str(recipient["id"])
        team = draft.team(team_id, recipient.get("name"))
        if notify == "all":
            return [f"team:{team}"]
        if notify == "admins" and draft.teams[team_id].get("_admins"):
            return [f"user:{handle}" for handle in draft.teams[team_id]["_admins"]]
        if notify == "users" and draft.teams[team_id].get("members"):
            admins = draft.teams[team_id].get("_admins") or []
            return [f"user:{handle}" for handle in draft.teams[team_id]["members"] if handle not in admins]
        draft.report.add("unmapped", subject, label, "notifying a team through its own routing rules (or its "
                         "admins or users, when the team's members were not read) has no Firebreak equivalent")
        return []
    draft.report.add("unmapped", subject, label, f"recipient type {kind!r} has no Firebreak equivalent")
    return []


def map_integration(integration: VendorObject, draft: Draft) -> None:
    kind = str(integration.get("type") or "")
    subject = f"integration {integration.get('name') or integration.get('id')}"
    endpoint = INTEGRATION_ENDPOINTS.get(kind)
    if endpoint:
        draft.report.add("action", subject, kind, "create an ingest key (`firebreak token create --role ingest "
                         f"--name {integration.get('name') or kind}`) and point the sender at {endpoint}")
    else:
        draft.report.add("unmapped", subject, kind or "unknown type", "no Firebreak intake takes it; Firebreak takes "
                         "the Opsgenie Alert API, Alertmanager, Grafana, Sentry, CloudEvents, PagerDuty Events "
                         "API v2 and JSON")
