"""Migrate: fetch a vendor's configuration objects through its REST API with the user's token, into a bundle.

Every list is read page after page (PagerDuty `offset`/`more`, Opsgenie `paging.next`, Grafana
OnCall `next`); an answer 429 waits as long as `Retry-After` (or PagerDuty's `ratelimit-reset`)
says, and 5xx answers are retried with a growing pause, a few times, before giving up. Errors name
the URL and status but never the token. The HTTP transport is httpx's, so a test points it at a
local server that serves the vendor's documented shapes.
"""

from __future__ import annotations

import time as clock_time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urljoin

import httpx

from firebreak.kernel.errors import ConfigError
from firebreak.migrate.bundle import Bundle, VendorObject

PAGE = 100
OVERRIDE_HORIZON = timedelta(days=90)


@dataclass
class Fetcher:
    """GET with paging, rate limits and retries against one vendor API."""

    client: httpx.Client
    # Side documents (an iCalendar feed's secret URL, maybe on another host) are read without the token.
    plain: httpx.Client | None = None
    sleep: Callable[[float], None] = clock_time.sleep
    retries: int = 6
    max_wait: float = 120.0
    waited: list[float] = field(default_factory=list)

    def get(self, url: str, params: dict[str, Any] | None = None) -> Any:
        for attempt in range(self.retries + 1):
            try:
                response = self.client.get(url, params=params)
            except httpx.HTTPError as exc:
                if attempt == self.retries:
                    raise ConfigError(f"GET {url}: {type(exc).__name__}: {exc}") from exc
                self.pause(2.0 ** attempt)
                continue
            if response.status_code == 429 or response.status_code >= 500:
                if attempt == self.retries:
                    break
                self.pause(retry_after(response, attempt))
                continue
            if response.status_code in (401, 403):
                raise ConfigError(f"GET {response.request.url}: {response.status_code}: the token was refused "
                                  "(is it valid, and may it read configuration?)")
            if response.status_code >= 400:
                raise ConfigError(f"GET {response.request.url}: {response.status_code}: {response.text[:200]}")
            try:
                return response.json()
            except ValueError as exc:
                raise ConfigError(f"GET {response.request.url}: the answer is not JSON") from exc
        raise ConfigError(f"GET {url}: still {response.status_code} after {self.retries} retries")

    def text(self, url: str) -> str | None:
        """A side document (an iCalendar feed) by absolute URL, fetched without the token; None when unreadable."""
        try:
            response = (self.plain or httpx.Client()).get(url)
        except httpx.HTTPError:
            return None
        return response.text if response.status_code == 200 else None

    def pause(self, seconds: float) -> None:
        seconds = min(max(seconds, 0.0), self.max_wait)
        self.waited.append(seconds)
        self.sleep(seconds)


def retry_after(response: httpx.Response, attempt: int) -> float:
    for header in ("retry-after", "ratelimit-reset", "x-ratelimit-reset"):
        value = response.headers.get(header)
        if value is not None:
            try:
                return float(value)
            except ValueError:
                continue
    return 2.0 ** attempt


def pagerduty_pages(fetcher: Fetcher, path: str, key: str, params: dict[str, Any] | None = None) \
        -> Iterator[VendorObject]:
    offset = 0
    while True:
        body = fetcher.get(path, {**(params or {}), "limit": PAGE, "offset": offset})
        items = body.get(key) or []
        yield from items
        if not body.get("more") or not items:
            return
        offset += len(items)


def fetch_pagerduty(fetcher: Fetcher, now: datetime) -> Bundle:
    """Users (with contact methods and notification rules), teams and members, schedules (each in full, with
    overrides of the next 90 days), escalation policies and services (with integrations)."""
    bundle = Bundle()
    for user in pagerduty_pages(fetcher, "/users", "users",
                                {"include[]": ["contact_methods", "notification_rules"]}):
        bundle.add("users", user, "/users")
    for team in pagerduty_pages(fetcher, "/teams", "teams"):
        bundle.add("teams", team, "/teams")
        for member in pagerduty_pages(fetcher, f"/teams/{team['id']}/members", "members"):
            bundle.add("members", {**member, "team": {"id": team["id"], "summary": team.get("name")}},
                       f"/teams/{team['id']}/members")
    window = {"since": now.isoformat(), "until": (now + OVERRIDE_HORIZON).isoformat()}
    for listed in pagerduty_pages(fetcher, "/schedules", "schedules"):
        path = f"/schedules/{listed['id']}"
        bundle.add("schedules", fetcher.get(path, window)["schedule"], path)
        for override in pagerduty_pages(fetcher, f"{path}/overrides", "overrides", window):
            bundle.add("overrides", {**override, "schedule_id": listed["id"]}, f"{path}/overrides")
    for policy in pagerduty_pages(fetcher, "/escalation_policies", "escalation_policies"):
        bundle.add("escalation_policies", policy, "/escalation_policies")
    for service in pagerduty_pages(fetcher, "/services", "services", {"include[]": ["integrations"]}):
        bundle.add("services", service, "/services")
    return bundle


def opsgenie_pages(fetcher: Fetcher, path: str, params: dict[str, Any] | None = None) -> Iterator[VendorObject]:
    url: str | None = path
    query: dict[str, Any] | None = {**(params or {}), "limit": PAGE}
    while url:
        body = fetcher.get(url, query)
        data = body.get("data")
        if isinstance(data, dict) and isinstance(data.get("heartbeats"), list):
            data = data["heartbeats"]
        yield from data if isinstance(data, list) else [data] if isinstance(data, dict) else []
        url, query = (body.get("paging") or {}).get("next"), None


def fetch_opsgenie(fetcher: Fetcher, now: datetime) -> Bundle:
    """Users (with contacts), teams (with members), schedules (with rotations and overrides), escalations,
    heartbeats and integrations."""
    bundle = Bundle()
    for user in opsgenie_pages(fetcher, "/v2/users"):
        contacts = list(opsgenie_pages(fetcher, f"/v2/users/{user['id']}/contacts"))
        bundle.add("users", {**user, "userContacts": contacts}, "/v2/users")
    for listed in opsgenie_pages(fetcher, "/v2/teams"):
        bundle.add("teams", fetcher.get(f"/v2/teams/{listed['id']}")["data"], f"/v2/teams/{listed['id']}")
    for schedule in opsgenie_pages(fetcher, "/v2/schedules", {"expand": "rotation"}):
        bundle.add("schedules", schedule, "/v2/schedules")
        for override in opsgenie_pages(fetcher, f"/v2/schedules/{schedule['id']}/overrides"):
            end = override.get("endDate")
            if not end or datetime.fromisoformat(str(end).replace("Z", "+00:00")) > now:
                bundle.add("overrides", {**override, "_parent": {"id": schedule["id"]}}, "/v2/schedules/…/overrides")
    for kind, path in (("escalations", "/v2/escalations"), ("heartbeats", "/v2/heartbeats"),
                       ("integrations", "/v2/integrations")):
        for item in opsgenie_pages(fetcher, path):
            bundle.add(kind, item, path)
    return bundle


def oncall_pages(fetcher: Fetcher, path: str) -> Iterator[VendorObject]:
    url: str | None = path
    while url:
        body = fetcher.get(url)
        yield from body.get("results") or []
        url = body.get("next")


ONCALL_ENDPOINTS = ("users", "teams", "schedules", "on_call_shifts", "escalation_chains", "escalation_policies",
                    "integrations", "routes", "personal_notification_rules")


def fetch_grafana_oncall(fetcher: Fetcher, now: datetime) -> Bundle:
    """Every list of the public API v1 the import reads, and the iCalendar feeds of iCal schedules."""
    del now
    bundle = Bundle()
    for endpoint in ONCALL_ENDPOINTS:
        path = f"api/v1/{endpoint}/"
        for item in oncall_pages(fetcher, path):
            bundle.add(endpoint, item, path)
            if endpoint == "schedules":
                for key, suffix in (("ical_url_primary", ".ics"), ("ical_url_overrides", ".overrides.ics")):
                    text = fetcher.text(urljoin(str(fetcher.client.base_url), item[key])) if item.get(key) else None
                    if text is not None:
                        bundle.extra[f"{item['id']}{suffix}"] = text
    return bundle
