"""Migrate: the three importers side by side — how each reads a folder, fetches from its API, and maps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import httpx

from firebreak.migrate import fetch, grafana_oncall, opsgenie, pagerduty
from firebreak.migrate.bundle import Bundle
from firebreak.migrate.draft import Imported
from firebreak.migrate.folder import Classify
from firebreak.migrate.options import ImportOptions


@dataclass(frozen=True, slots=True)
class Vendor:
    """One tool Firebreak imports from."""

    key: str
    label: str
    classify: Classify
    build: Callable[[Bundle, ImportOptions | None], Imported]
    fetch: Callable[[fetch.Fetcher, datetime], Bundle]
    base_url: str | None  # None: the user must say where (self-hosted)
    headers: Callable[[str], dict[str, str]]


VENDORS = {
    "pagerduty": Vendor("pagerduty", "PagerDuty", pagerduty.classify, pagerduty.import_pagerduty,
                        fetch.fetch_pagerduty, "https://api.pagerduty.com",
                        lambda token: {"Authorization": f"Token token={token}",
                                       "Accept": "application/vnd.pagerduty+json;version=2"}),
    "opsgenie": Vendor("opsgenie", "Opsgenie", opsgenie.classify, opsgenie.import_opsgenie, fetch.fetch_opsgenie,
                       "https://api.opsgenie.com", lambda token: {"Authorization": f"GenieKey {token}"}),
    "grafana-oncall": Vendor("grafana-oncall", "Grafana OnCall", grafana_oncall.classify,
                             grafana_oncall.import_grafana_oncall, fetch.fetch_grafana_oncall, None,
                             lambda token: {"Authorization": token}),
}


def fetcher_for(vendor: Vendor, token: str, base_url: str, *, transport: httpx.BaseTransport | None = None,
                sleep: Callable[[float], None] | None = None) -> fetch.Fetcher:
    """A fetcher that sends the token to `base_url` only (side documents go without it)."""
    base = base_url.rstrip("/") + "/"
    client = httpx.Client(base_url=base, headers=vendor.headers(token), timeout=30, transport=transport)
    plain = httpx.Client(timeout=30, transport=transport)
    return fetch.Fetcher(client, plain) if sleep is None else fetch.Fetcher(client, plain, sleep=sleep)
