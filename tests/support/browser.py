"""Browser tests: Debian's Chromium driven by Playwright against a live Firebreak, for every page.

- `chromium` (module fixture): one Chromium (`/usr/bin/chromium`, never a downloaded build) per test
  module; each test opens its own cheap contexts on it.
- `running_site(runtime)`: a real Firebreak over HTTP on a free port (ingest writer and, with
  `run_worker`, the escalation worker), with an admin token, an ingest key and sign-in accounts.
- `Console`: one person's browser tab on that site — `sign_in`, `open`, `screenshot` (saved under
  `test-artifacts/screenshots/`), `accessibility_problems` (axe-core's serious and critical findings).

A test module uses them through a conftest that imports the fixture:
`from tests.support.browser import chromium  # noqa: F401` (see `tests/http/console/conftest.py`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from firebreak.db.session import transaction
from firebreak.http.app import create_app
from firebreak.kernel.settings import Settings
from firebreak.runtime import Runtime
from firebreak.security import users
from firebreak.security.bootstrap import first_start
from tests.support.accounts import FAST_HASHER, PASSWORD
from tests.support.live import free_port, live_server

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE = Path(__file__).resolve().parent / "axe" / "axe.min.js"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
# Waits are on conditions; these deadlines are generous so a loaded machine only makes tests slower.
DEADLINE_MS = 30_000
expect.set_options(timeout=DEADLINE_MS)
# Sign-in accounts every site has besides `admin`: two responders (the two-person rule needs two) and a viewer.
ACCOUNTS: Mapping[str, str] = {"rhea": "responder", "sol": "responder", "vera": "viewer"}


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """One headless Chromium for a test module (its tests open cheap contexts on it).

    Not one per test process: while Playwright's sync API is open, its event loop counts as running in
    the test thread, and a later test of the same process calling `asyncio.run` would fail.
    """
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=["--disable-gpu", "--disable-dev-shm-usage"])
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Site:
    """A live Firebreak: its URL, runtime, first-start credentials and the sign-in accounts' passwords."""

    url: str
    runtime: Runtime
    admin_token: str
    ingest_key: str
    passwords: dict[str, str] = field(default_factory=dict)

    def api(self, secret: str | None = None) -> httpx.Client:
        """An HTTP client for the site's API with a token (the admin's by default)."""
        return httpx.Client(base_url=self.url, timeout=30,
                            headers={"Authorization": f"Bearer {secret or self.admin_token}"})

    def fire(self, payload: dict[str, Any]) -> dict[str, Any]:
        """POST an Alertmanager webhook through HTTP ingest; the answer (202 once committed)."""
        with self.api(self.ingest_key) as client:
            response = client.post("/api/v1/alerts/alertmanager", json=payload)
        assert response.status_code == 202, response.text
        return dict(response.json())


def site_settings(*, data_dir: Path, database_url: str, **extra: Any) -> Settings:
    """Settings for a site on a free port of 127.0.0.1, so the links in its pages point at it."""
    values: dict[str, Any] = {"host": "127.0.0.1", "port": free_port(), "data_dir": data_dir,
                              "database_url": database_url, "secret_key": "browser-test-secret", **extra}
    return Settings(**values)


@contextmanager
def running_site(runtime: Runtime, *, accounts: Mapping[str, str] = ACCOUNTS) -> Iterator[Site]:
    """Start `runtime` (settings from `site_settings`) over real HTTP with first-start credentials and
    `accounts` (name → role)."""
    now = runtime.clock.now()
    with transaction(runtime.session_factory) as session:
        first = first_start(session, now=now, environ={}, hasher=FAST_HASHER)
        assert first is not None and first.admin_user and first.admin_password
        passwords = {first.admin_user: first.admin_password}
        for name, role in accounts.items():
            users.create_user(session, name=name, role=role, password=PASSWORD, now=now, hasher=FAST_HASHER)
            passwords[name] = PASSWORD
    app = create_app(runtime)
    app.state.guards.hasher = FAST_HASHER  # signing in need not spend a fifth of a second each time
    with live_server(runtime, port=runtime.settings.port, app=app) as url:
        yield Site(url, runtime, first.admin_token, first.ingest_key, passwords)


@functools.cache
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


class Console:
    """One person's tab on a site (its own browser context, so its own cookies)."""

    def __init__(self, context: BrowserContext, site: Site) -> None:
        self.context = context
        self.site = site
        self.page: Page = context.new_page()
        self.page.set_default_timeout(DEADLINE_MS)
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def open(self, path: str) -> Page:
        """Go to a path of the site and wait for the page to settle."""
        response = self.page.goto(self.site.url + path)
        assert response is not None
        return self.page

    def sign_in(self, name: str, *, path: str = "/login") -> Page:
        """Sign in through the form (from `path`, which may be any page that leads there)."""
        self.open(path)
        self.page.get_by_label("User name").fill(name)
        self.page.get_by_label("Password").fill(self.site.passwords[name])
        self.page.get_by_role("button", name=re.compile(r"^Sign in")).click()
        expect(self.page.get_by_role("button", name="Sign out")).to_be_visible()
        return self.page

    def screenshot(self, name: str, *, full_page: bool = True) -> Path:
        """Save the page (the whole of it, or what the viewport shows) as `test-artifacts/screenshots/NAME.png`."""
        target = ARTIFACTS / "screenshots" / f"{name}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(target), full_page=full_page)
        return target

    def accessibility_problems(self) -> list[str]:
        """axe-core's serious and critical violations on the page as it is now, one line each."""
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            # Evaluated through the DevTools protocol: the page's CSP (rightly) refuses an inline script tag.
            self.page.evaluate(axe_source())
        found = self.page.evaluate("""async () => {
            const result = await window.axe.run(document, {resultTypes: ["violations"]});
            return result.violations.filter(v => v.impact === "serious" || v.impact === "critical")
              .map(v => `${v.impact} ${v.id}: ${v.help} — ` +
                        v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "));
        }""")
        return list(found)

    def close(self) -> None:
        self.context.close()


@contextmanager
def console(browser: Browser, site: Site, *, viewport: Mapping[str, int] = DESKTOP) -> Iterator[Console]:
    """A fresh tab (own cookies) on `site` at `viewport`; closed afterwards."""
    context = browser.new_context(viewport=dict(viewport), base_url=site.url)  # type: ignore[arg-type]
    tab = Console(context, site)
    try:
        yield tab
    finally:
        tab.close()
