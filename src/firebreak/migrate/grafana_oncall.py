"""Migrate: Grafana OnCall (public API v1 object shapes) → Firebreak users, teams, schedules, escalation
policies and services (one per integration). Pure.

An escalation chain's steps run in `position` order: notify steps gather the people of one level and
a `wait` step ends it with that wait; `repeat_escalation` walks the chain again (OnCall repeats it
up to five times). An integration becomes a service paged through its default route's chain; the
report says where to point its sender. Routes that pick a chain by a regular expression over the
raw payload have no label-matching equivalent and are listed there too.
"""

from __future__ import annotations

from typing import Any

from firebreak.migrate.bundle import Bundle, VendorObject, sort_items
from firebreak.migrate.draft import Draft, Imported, Section, finish
from firebreak.migrate.grafana_oncall_schedules import map_schedule
from firebreak.migrate.options import ImportOptions

VENDOR = "Grafana OnCall"
ONCALL_REPEATS = 5
SCHEDULE_TYPES = ("ical", "calendar", "web")
SHIFT_TYPES = ("single_event", "recurrent_event", "rolling_users", "override")
INTEGRATION_ENDPOINTS = {
    "grafana_alerting": "POST /api/v1/alerts/grafana (Grafana webhook contact point)",
    "grafana": "POST /api/v1/alerts/grafana (Grafana webhook contact point)",
    "alertmanager": "POST /api/v1/alerts/alertmanager (Alertmanager webhook_configs)",
    "legacy_alertmanager": "POST /api/v1/alerts/alertmanager (Alertmanager webhook_configs)",
    "sentry": "POST /api/v1/alerts/sentry (Sentry alert webhook)",
    "webhook": "POST /api/v1/alerts (Firebreak's JSON alert: labels, annotations, status)",
    "formatted_webhook": "POST /api/v1/alerts (Firebreak's JSON alert: labels, annotations, status)",
}
STEP_GAPS = {
    "notify_person_next_each_time": "paging a different person each time (round robin)",
    "notify_user_group": "a Slack user group",
    "notify_whole_channel": "a whole Slack channel",
    "trigger_webhook": "an outgoing webhook",
    "trigger_action": "an outgoing webhook",
    "resolve": "resolving the alert group from the chain",
    "notify_if_time_from_to": "continuing only within a time of day",
    "notify_if_num_alerts_in_window": "continuing only after a number of alerts",
    "declare_incident": "declaring a Grafana incident",
}


def classify_item(item: VendorObject) -> str | None:
    kind = item.get("type")
    if kind in SCHEDULE_TYPES and ("on_call_now" in item or "shifts" in item or "ical_url_primary" in item):
        return "schedules"
    if kind in SHIFT_TYPES:
        return "on_call_shifts"
    if "integration_id" in item and "routing_regex" in item:
        return "routes"
    if "escalation_chain_id" in item and "position" in item:
        return "escalation_policies"
    if "default_route" in item and "link" in item:
        return "integrations"
    if "user_id" in item and "position" in item and "type" in item:
        return "personal_notification_rules"
    if "username" in item and "role" in item:
        return "users"
    if "avatar_url" in item:
        return "teams"
    if set(item) <= {"id", "team_id", "name"} and "name" in item:
        return "escalation_chains"
    return None


def classify(document: Any) -> list[tuple[str, VendorObject]]:
    """The OnCall objects of one answer (a page `{"results": […]}`) or one object on its own, by kind."""
    if not isinstance(document, dict):
        return []
    return sort_items(document["results"] if isinstance(document.get("results"), list) else [document],
                      classify_item)


def import_grafana_oncall(bundle: Bundle, options: ImportOptions | None = None) -> Imported:
    """Map every Grafana OnCall object in `bundle` (see the module docstring)."""
    options = options or ImportOptions()
    draft = Draft.for_bundle(VENDOR, bundle)
    for team in bundle.of("teams"):
        draft.team(str(team["id"]), team.get("name"))
    for user in bundle.of("users"):
        handle = draft.user(str(user["id"]), name=user.get("name") or user.get("username"), email=user.get("email"),
                            time_zone=user.get("timezone"), handle=user.get("username"))
        for team_id in user.get("teams") or []:
            if str(team_id) in draft.teams:
                draft.add_member(str(team_id), handle)
    map_notification_rules(bundle.of("personal_notification_rules"), draft, options)
    shifts: dict[str, list[VendorObject]] = {}
    for shift in bundle.of("on_call_shifts"):
        shifts.setdefault(str(shift.get("schedule") or ""), []).append(shift)
    for schedule in bundle.of("schedules"):
        wanted = {str(key) for key in schedule.get("shifts") or []}
        own = [s for s in shifts.get(str(schedule.get("id")), []) or
               [s for group in shifts.values() for s in group if str(s.get("id")) in wanted]]
        map_schedule(schedule, own, bundle, draft)
    steps: dict[str, list[VendorObject]] = {}
    for step in bundle.of("escalation_policies"):
        steps.setdefault(str(step["escalation_chain_id"]), []).append(step)
    for chain in bundle.of("escalation_chains"):
        map_chain(chain, sorted(steps.get(str(chain["id"]), []), key=lambda s: int(s.get("position") or 0)), draft)
    routes: dict[str, list[VendorObject]] = {}
    for route in bundle.of("routes"):
        routes.setdefault(str(route.get("integration_id")), []).append(route)
    for integration in bundle.of("integrations"):
        map_integration(integration, routes.get(str(integration.get("id")), []), draft)
    return finish(draft)


def map_notification_rules(rules: list[VendorObject], draft: Draft, options: ImportOptions) -> None:
    """Each user's default (not important) personal notification steps as contact methods with delays."""
    by_user: dict[str, list[VendorObject]] = {}
    for rule in rules:
        if not rule.get("important"):
            by_user.setdefault(str(rule["user_id"]), []).append(rule)
    for user_id, steps in by_user.items():
        handle = draft.user(user_id, by_reference=True)
        delay, contact = 0, []
        for step in sorted(steps, key=lambda s: int(s.get("position") or 0)):
            kind = str(step.get("type"))
            email = draft.users[user_id].get("email")
            if kind == "wait":
                delay += int(step.get("duration") or 0)
            elif kind == "notify_by_email" and email and options.email_contact(email):
                via = options.email_contact(email)
                contact.append({"via": via, "after": f"{delay}s"} if delay else {"via": via})
            else:
                draft.report.add("unmapped" if kind != "notify_by_email" else "action", f"user {handle}",
                                 kind.replace("_", " "), "give --email-via to page by e-mail" if kind ==
                                 "notify_by_email" else "Firebreak pages through apprise URLs (e-mail, Slack, "
                                 "Telegram … by URL): add this contact method by hand")
        if contact:
            draft.users[user_id]["contact"] = contact


def step_targets(step: VendorObject, draft: Draft) -> list[str] | None:
    kind = step.get("type")
    if kind in ("notify_persons", "notify_persons_important"):
        return [f"user:{draft.user(str(user), by_reference=True)}" for user in step.get("persons_to_notify") or []]
    if kind == "notify_on_call_from_schedule":
        names = draft.schedule_names.get(str(step.get("notify_on_call_from_schedule")))
        return [f"schedule:{name}" for name in names] if names else None
    if kind == "notify_team_members":
        team = step.get("notify_to_team_members") or step.get("team_to_notify")
        return [f"team:{draft.team(str(team), None)}"] if team and str(team) in draft.teams else None
    return None


def map_chain(chain: VendorObject, steps: list[VendorObject], draft: Draft) -> None:
    subject = f"escalation chain {chain.get('id')} ({chain.get('name')})"
    levels: list[Section] = []
    pending: list[str] = []
    repeat = 0
    lead = 0
    for step in steps:
        kind = str(step.get("type"))
        label = f"step {int(step.get('position') or 0) + 1} ({kind})"
        if kind == "wait":
            seconds = int(step.get("duration") or 0)
            if pending:
                levels.append({"notify": pending, "wait": f"{seconds}s"})
                pending = []
            elif levels:
                levels[-1]["wait"] = f"{int(levels[-1]['wait'][:-1]) + seconds}s"
            else:
                lead += seconds
        elif kind == "repeat_escalation":
            repeat = ONCALL_REPEATS
        elif kind in STEP_GAPS:
            draft.report.add("unmapped", subject, label, f"{STEP_GAPS[kind]} has no Firebreak equivalent")
        else:
            targets = step_targets(step, draft)
            if targets is None:
                draft.report.add("unmapped", subject, label, "what it notifies is not among the imported schedules, "
                                 "teams and users" if kind.startswith("notify") else f"unknown step type {kind!r}")
                continue
            pending += [target for target in targets if target not in pending]
    if pending:
        levels.append({"notify": pending, "wait": "0s"})
    if lead and levels:
        draft.report.add("approximated", subject, "first wait", f"the chain waits {lead}s before paging anyone; "
                         "Firebreak's first level pages at once")
    if not levels:
        draft.report.add("unmapped", subject, "the whole chain", "no step pages anyone Firebreak knows")
        return
    entry: Section = {"name": draft.policy_namer.name(chain.get("name") or "chain", fallback="chain"),
                      "levels": levels}
    if repeat:
        entry["repeat"] = repeat
        draft.report.add("note", subject, "repeat", f"repeats {ONCALL_REPEATS} times, as OnCall's repeat step does")
    draft.policies[str(chain["id"])] = entry
    if chain.get("team_id") and str(chain["team_id"]) in draft.teams:
        draft.teams[str(chain["team_id"])].setdefault("escalation_policy", entry["name"])


def map_integration(integration: VendorObject, routes: list[VendorObject], draft: Draft) -> None:
    subject = f"integration {integration.get('id')} ({integration.get('name')})"
    team_id = integration.get("team_id")
    team = draft.team(str(team_id), None) if team_id and str(team_id) in draft.teams else \
        draft.team("_unowned", "unowned")
    entry: Section = {"name": draft.service_namer.name(integration.get("name") or "integration",
                                                       fallback="integration"), "team": team}
    chain = str((integration.get("default_route") or {}).get("escalation_chain_id") or "")
    if chain in draft.policies:
        entry["escalation_policy"] = draft.policies[chain]["name"]
    elif chain:
        draft.report.add("unmapped", subject, f"default route's chain {chain}", "not among the imported chains")
    draft.services.append(entry)
    kind = str(integration.get("type") or "")
    endpoint = INTEGRATION_ENDPOINTS.get(kind)
    if endpoint:
        draft.report.add("action", subject, kind, "create an ingest key (`firebreak token create --role ingest "
                         f"--name {entry['name']}`) and point the sender at {endpoint}; alerts labelled "
                         f"service={entry['name']} route to this service")
    else:
        draft.report.add("unmapped", subject, kind or "unknown type", "no Firebreak intake takes it")
    for route in routes:
        if route.get("is_the_last_route") or not route.get("routing_regex"):
            continue
        draft.report.add("unmapped", subject, f"route {route.get('id')} ({route.get('routing_regex')})",
                         "OnCall matches a regular expression (or template) against the raw payload; write a "
                         "Firebreak route with label matchers (`routes:`) and `escalation_policy: "
                         f"{draft.policies.get(str(route.get('escalation_chain_id')), {}).get('name', '?')}`")
    if integration.get("heartbeat"):
        draft.report.add("unmapped", subject, "heartbeat", "Firebreak has no heartbeat monitor")
