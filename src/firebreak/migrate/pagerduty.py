"""Migrate: PagerDuty (REST API v2 object shapes) → Firebreak users, teams, schedules, escalation
policies and services. Pure: a bundle of vendor objects in, the configuration sections and a report out.

Escalation rules become levels in order, each waiting its `escalation_delay_in_minutes`, and
`num_loops` becomes `repeat`: both walk the rules again after the last one's delay. Services keep
their policy and team; their integrations are listed in the report with the Firebreak endpoint
that takes the same events.
"""

from __future__ import annotations

from typing import Any

from firebreak.migrate.bundle import Bundle, VendorObject
from firebreak.migrate.draft import Draft, Imported, Section, finish
from firebreak.migrate.options import ImportOptions
from firebreak.migrate.pagerduty_schedules import is_schedule, map_schedule, schedule_subject

VENDOR = "PagerDuty"
MAX_REPEAT = 20
# Wrapper keys of the API's answers (GET /schedules/{id} → {"schedule": …}, GET /schedules → {"schedules": […]}).
WRAPPERS = {"schedule": "schedules", "schedules": "schedules", "escalation_policy": "escalation_policies",
            "escalation_policies": "escalation_policies", "user": "users", "users": "users", "team": "teams",
            "teams": "teams", "service": "services", "services": "services", "override": "overrides",
            "overrides": "overrides", "members": "members"}
INTEGRATION_ENDPOINTS = {
    "events_api_v2_inbound_integration": "POST /v2/enqueue (PagerDuty Events API v2; routing_key = ingest key)",
    "generic_events_api_inbound_integration": "POST /v2/enqueue (PagerDuty Events API v2; routing_key = ingest key)",
    "events_api_inbound_integration": "POST /v2/enqueue (Events API v2 only: the sender must use v2)",
    "alertmanager_inbound_integration": "POST /api/v1/alerts/alertmanager (webhook) or /v2/enqueue "
                                        "(pagerduty_configs)",
    "prometheus_inbound_integration": "POST /api/v1/alerts/alertmanager or /v2/enqueue (pagerduty_configs)",
}


def classify(document: Any) -> list[tuple[str, VendorObject]]:
    """The PagerDuty objects in one JSON document, by kind (empty when it holds none)."""
    if not isinstance(document, dict):
        return []
    if is_schedule(document):
        return [("schedules", document)]
    if "escalation_rules" in document:
        return [("escalation_policies", document)]
    found: list[tuple[str, VendorObject]] = []
    for key, kind in WRAPPERS.items():
        value = document.get(key)
        items = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
        found += [(kind, item) for item in items if isinstance(item, dict)]
    return found


def import_pagerduty(bundle: Bundle, options: ImportOptions | None = None) -> Imported:
    """Map every PagerDuty object in `bundle` (see the module docstring)."""
    options = options or ImportOptions()
    draft = Draft.for_bundle(VENDOR, bundle)
    for team in unique(bundle.of("teams"), draft, "team"):
        draft.team(str(team["id"]), team.get("name") or team.get("summary"))
    for user in unique(bundle.of("users"), draft, "user"):
        map_user(user, draft, options)
    for member in bundle.of("members"):
        map_member(member, draft)
    overrides: dict[str, list[VendorObject]] = {}
    for override in bundle.of("overrides"):
        overrides.setdefault(str(override.get("schedule_id") or ""), []).append(override)
    for schedule in unique(bundle.of("schedules"), draft, "schedule"):
        key = str(schedule.get("id") or "")
        map_schedule(schedule, draft, [*(schedule.get("overrides") or []), *overrides.get(key, [])])
    for policy in unique(bundle.of("escalation_policies"), draft, "escalation policy"):
        map_policy(policy, draft)
    for service in unique(bundle.of("services"), draft, "service"):
        map_service(service, draft)
    return finish(draft)


def unique(items: list[VendorObject], draft: Draft, kind: str) -> list[VendorObject]:
    """Items once each: an exact repeat is dropped; two different objects with one id are both kept (noted)."""
    seen: dict[str, VendorObject] = {}
    out = []
    for item in items:
        key = str(item.get("id") or "")
        if key and key in seen:
            if seen[key] == item:
                continue
            draft.report.add("note", f"{kind} {key}", "two different objects with this id",
                             "both imported under different names; references to the id point at the first")
            item = {**item, "id": f"{key}#{sum(1 for other in out if str(other.get('id', '')).startswith(key))}"}
        seen.setdefault(key, item)
        out.append(item)
    return out


def map_user(user: VendorObject, draft: Draft, options: ImportOptions) -> None:
    handle = draft.user(str(user["id"]), name=user.get("name") or user.get("summary"), email=user.get("email"),
                        time_zone=user.get("time_zone"))
    for team in user.get("teams") or []:
        if team.get("id"):
            draft.team(str(team["id"]), team.get("summary") or team.get("name"))
            draft.add_member(str(team["id"]), handle)
    methods = {str(m.get("id")): m for m in user.get("contact_methods") or [] if isinstance(m, dict)}
    rules = sorted((rule for rule in user.get("notification_rules") or []
                    if rule.get("urgency", "high") in ("high", "any")),
                   key=lambda rule: int(rule.get("start_delay_in_minutes") or 0))
    if not rules:  # no rules read: every contact method at once
        rules = [{"start_delay_in_minutes": 0, "contact_method": method} for method in methods.values()]
    contact: list[Section] = []
    for rule in rules:
        method = {**(rule.get("contact_method") or {}),
                  **methods.get(str((rule.get("contact_method") or {}).get("id")), {})}
        via = contact_via(method, draft, handle, options)
        if via is not None and all(entry["via"] != via for entry in contact):
            delay = int(rule.get("start_delay_in_minutes") or 0)
            contact.append({"via": via, "after": f"{delay}m"} if delay else {"via": via})
    if contact:
        draft.users[str(user["id"])]["contact"] = contact


def contact_via(method: VendorObject, draft: Draft, handle: str, options: ImportOptions) -> str | None:
    kind = str(method.get("type", "")).replace("_reference", "")
    address = str(method.get("address") or "")
    subject = f"user {handle}"
    if kind == "email_contact_method" and address:
        via = options.email_contact(address)
        if via is None:
            draft.report.add("action", subject, f"e-mail contact method {address}",
                             "not paged: give --email-via (an apprise mailto URL with {email}) to page by e-mail")
        return via
    what = {"phone_contact_method": "phone", "sms_contact_method": "SMS",
            "push_notification_contact_method": "PagerDuty app push"}.get(kind, kind or "unknown")
    draft.report.add("unmapped", subject, f"{what} contact method {method.get('label') or address}".strip(),
                     "Firebreak pages through apprise URLs; a phone number needs an SMS or voice gateway "
                     "account (e.g. twilio://…) added by hand" if what in ("phone", "SMS")
                     else "there is no PagerDuty app to push to; use a chat or e-mail contact method")
    return None


def map_member(member: VendorObject, draft: Draft) -> None:
    user, team = member.get("user") or {}, member.get("team") or {}
    if user.get("id") and team.get("id"):
        handle = draft.user(str(user["id"]), name=user.get("summary"), by_reference=True)
        draft.team(str(team["id"]), team.get("summary"))
        draft.add_member(str(team["id"]), handle)


def policy_subject(policy: VendorObject) -> str:
    return f"escalation policy {policy.get('id')} ({policy.get('name') or policy.get('summary')})"


def map_policy(policy: VendorObject, draft: Draft) -> None:
    subject = policy_subject(policy)
    levels: list[Section] = []
    for number, rule in enumerate(policy.get("escalation_rules") or [], start=1):
        targets = []
        for target in rule.get("targets") or []:
            mapped = policy_target(target, draft)
            if mapped is None:
                draft.report.add("unmapped", subject, f"rule {number} target {target.get('id')}",
                                 f"{target.get('type')} {target.get('summary') or ''} is not among the imported "
                                 "users and schedules".replace("  ", " "))
            else:
                targets.extend(mapped)
        delay = int(rule.get("escalation_delay_in_minutes") or 0)
        if not targets:
            draft.report.add("unmapped", subject, f"rule {number}", "no target could be imported; the rule is left "
                             f"out and its {delay} minutes are added to the previous level's wait")
            if levels:
                levels[-1]["wait"] = f"{int(levels[-1]['wait'][:-1]) + delay}m"
            continue
        levels.append({"notify": targets, "wait": f"{delay}m"})
    entry: Section = {"name": draft.policy_namer.name(policy.get("name") or policy.get("summary") or "policy",
                                                      fallback="policy")}
    if policy.get("description"):
        entry["description"] = str(policy["description"])
    entry["levels"] = levels
    loops = int(policy.get("num_loops") or 0)
    if loops:
        entry["repeat"] = min(loops, MAX_REPEAT)
    if not levels:
        draft.report.add("unmapped", subject, "the whole policy", "no rule could be imported")
        return
    draft.policies[str(policy.get("id") or entry["name"])] = entry
    for team in policy.get("teams") or []:
        if team.get("id"):
            name = draft.team(str(team["id"]), team.get("summary") or team.get("name"))
            owner = draft.teams[str(team["id"])]
            owner.setdefault("escalation_policy", entry["name"])
            if owner["escalation_policy"] != entry["name"]:
                draft.report.add("note", f"team {name}", "escalation policy",
                                 f"the team owns several policies; {owner['escalation_policy']} is its default")
    if policy.get("on_call_handoff_notifications") not in (None, "if_has_services"):
        draft.report.add("unmapped", subject, "on-call handoff notifications", "Firebreak does not announce "
                         "handoffs; `firebreak schedule export` gives each person their turns as a calendar")


def policy_target(target: VendorObject, draft: Draft) -> list[str] | None:
    kind, key = str(target.get("type", "")), str(target.get("id", ""))
    if kind in ("user_reference", "user"):
        return [f"user:{draft.user(key, name=target.get('summary'), by_reference=True)}"]
    if kind in ("schedule_reference", "schedule"):
        names = draft.schedule_names.get(key)
        return [f"schedule:{name}" for name in names[:1]] if names else None
    return None


def map_service(service: VendorObject, draft: Draft) -> None:
    subject = f"service {service.get('id')} ({service.get('name') or service.get('summary')})"
    policy_id = str((service.get("escalation_policy") or {}).get("id") or "")
    policy = draft.policies.get(policy_id)
    team_refs = [team for team in service.get("teams") or [] if team.get("id")]
    if team_refs:
        team = draft.team(str(team_refs[0]["id"]), team_refs[0].get("summary") or team_refs[0].get("name"))
    else:
        owner = next((t for t in draft.teams.values() if policy and t.get("escalation_policy") == policy["name"]), None)
        team = str(owner["name"]) if owner else draft.team("_unowned", "unowned")
        if owner is None:
            draft.report.add("note", subject, "team", "the service names no team; it belongs to team 'unowned'")
    entry: Section = {"name": draft.service_namer.name(service.get("name") or service.get("summary") or "service",
                                                       fallback="service"), "team": team}
    if service.get("description"):
        entry["description"] = str(service["description"])
    if policy is not None:
        entry["escalation_policy"] = policy["name"]
    elif policy_id:
        draft.report.add("unmapped", subject, f"escalation policy {policy_id}", "not among the imported policies")
    draft.services.append(entry)
    for integration in service.get("integrations") or []:
        kind = str(integration.get("type", "")).replace("_reference", "")
        name = integration.get("summary") or integration.get("name") or integration.get("id")
        endpoint = INTEGRATION_ENDPOINTS.get(kind)
        if endpoint:
            draft.report.add("action", subject, f"integration {name}",
                             f"create an ingest key (`firebreak token create --role ingest --name {entry['name']}`) "
                             f"and point the sender at {endpoint}; give its events the label "
                             f"service={entry['name']} (payload.component) so they route to this service")
        else:
            draft.report.add("unmapped", subject, f"integration {name}",
                             f"{kind or 'unknown'} has no Firebreak intake; Firebreak takes the PagerDuty Events "
                             "API v2, Alertmanager, Grafana, Opsgenie Alert API, Sentry, CloudEvents and JSON")
    for part, why in (("incident_urgency_rule", "urgency comes from the severity scale (`severity_scale`)"),
                      ("alert_grouping_parameters", "alerts group by labels (`group_by`)"),
                      ("support_hours", "support hours are one top-level `support_hours` setting")):
        if service.get(part):
            draft.report.add("approximated", subject, part.replace("_", " "), why)


__all__ = ["classify", "import_pagerduty", "schedule_subject"]
