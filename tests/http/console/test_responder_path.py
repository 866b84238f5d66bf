"""A responder's main path in Chromium, on PostgreSQL with the worker running and pages sent to a real webhook:
an alert fired through HTTP ingest appears on the list without a reload, the delivered page's link opens the
incident, and from there: acknowledge, a read-only diagnostic's output, a mutating step approved, a
destructive one approved by a second responder, resolve."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from firebreak.config.loader import parse_config
from firebreak.db.session import transaction
from firebreak.runbook.intake.importer import import_paths
from firebreak.runbook.library import store
from firebreak.runtime import Runtime
from tests.conftest import truncate_all
from tests.payloads import alertmanager, am_alert
from tests.support.browser import PHONE, Site, console, running_site, site_settings
from tests.support.live import wait_for
from tests.support.webhook import Receiver, receiving

RUNBOOK = """# Scratch space filling up

## Detection

**Alerts:** `ScratchSpaceFilling`

## Diagnosis

```bash
df -P <scratch_dir>
```

```bash
ls -a <scratch_dir>
```

## Mitigation

```bash
mkdir -p <scratch_dir>/archive
```

```bash
rm -rf <scratch_dir>/cache
```
"""
CONFIG = """
severity_scale: sev1-sev4
teams:
  - {name: ops, escalation_policy: ops-default, members: [rhea, sol]}
users:
  - {name: Rhea Quinn, handle: rhea, contact: [{via: "{hook}"}]}
  - {name: Sol Park, handle: sol, contact: [{via: "{hook}"}]}
services:
  - name: scratch
    team: ops
    runbook_vars: {scratch_dir: "{scratch}"}
    targets: [{name: here, kind: local}]
routes:
  - {name: scratch, match: {service: scratch}, team: ops, severity: SEV2}
default_route: {team: ops, escalation_policy: ops-default}
schedules:
  - name: ops-primary
    time_zone: UTC
    rotations: [{users: [rhea], every: 1w, handoff: "Mon 09:00"}]
escalation_policies:
  - name: ops-default
    levels:
      - {notify: ["schedule:ops-primary"], wait: 30m}
      - {notify: ["user:sol"], wait: 30m}
"""
LINK = re.compile(r"https?://[^\s<>\"')]+")


@dataclass
class Scene:
    site: Site
    inbox: Receiver
    scratch: Path


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory, pg_database: str) -> Iterator[Scene]:
    """Firebreak on PostgreSQL paging through a local webhook, with the scratch-space runbook imported."""
    truncate_all(pg_database)
    base = tmp_path_factory.mktemp("responder-path")
    scratch = base / "scratch"
    (scratch / "cache").mkdir(parents=True)
    (scratch / "cache" / "old-export.csv").write_text("stale\n")
    runbooks = base / "runbooks"
    runbooks.mkdir()
    (runbooks / "scratch-space.md").write_text(RUNBOOK)
    with receiving() as inbox:
        yaml_text = CONFIG.replace("{hook}", inbox.url).replace("{scratch}", str(scratch))
        runtime = Runtime(site_settings(data_dir=base, database_url=pg_database),
                          initial_config=parse_config(yaml_text))
        try:
            with transaction(runtime.session_factory) as session:
                store.save_runbooks(session, runbooks=import_paths([runbooks]), now=runtime.clock.now())
            with running_site(runtime) as site:
                yield Scene(site, inbox, scratch)
        finally:
            runtime.close()


def fire(site: Site, **labels: str) -> int:
    """Fire the scratch-space alert through HTTP ingest; the incident it opened or joined."""
    alert = am_alert("ScratchSpaceFilling", service="scratch", severity="warning", **labels)
    alert["annotations"]["summary"] = "scratch volume above 90%"
    return int(site.fire(alertmanager(alert))["results"][0]["incident_id"])


def delivered_links(inbox: Receiver, incident_id: int) -> list[str]:
    """Every link in the first page delivered about the incident (waits for the worker to send it)."""

    def page() -> str | None:
        for request in list(inbox.accepted):
            body = request["body"]
            if f"#{incident_id} " in str(body.get("title", "")):
                return str(body.get("message") or body.get("body") or "")
        return None

    return LINK.findall(wait_for(page, timeout=60))


def step_status(page: Page, command: int) -> str:
    return page.locator(f"#command-{command} [data-field=step-status]").first.inner_text()


def test_a_fired_alert_is_worked_from_the_console_to_resolved(chromium: Browser, scene: Scene) -> None:
    site = scene.site
    with console(chromium, site) as rhea, console(chromium, site) as sol:
        rhea.sign_in("rhea")
        rhea.page.evaluate("() => { window.stillTheSamePage = true; }")
        incident_id = fire(site)
        # The list refreshes itself: the new incident appears, and the page was never reloaded.
        row = rhea.page.locator(f"#incident-{incident_id}")
        expect(row).to_be_visible()
        expect(row).to_contain_text("scratch volume above 90%")
        expect(rhea.page.locator("[data-count=triggered]")).to_have_text("1")
        assert rhea.page.evaluate("() => window.stillTheSamePage") is True
        rhea.screenshot("incidents-list")
        assert rhea.accessibility_problems() == []

        # The delivered page links to the incident's console page; that link opens it.
        links = delivered_links(scene.inbox, incident_id)
        incident_link = next(link for link in links if urlsplit(link).path == f"/incidents/{incident_id}")
        rhea.open(urlsplit(incident_link).path)
        page = rhea.page
        expect(page.get_by_role("heading", level=1)).to_contain_text("scratch volume above 90%")
        expect(page.locator("#paged")).to_contain_text("Rhea Quinn (rhea)")
        expect(page.locator("#escalation-next")).to_contain_text("level 2 (Sol Park)")
        expect(page.locator("#chain")).to_contain_text("Chain verified")
        # The read-only diagnostics ran when the incident opened.
        expect(page.locator("#command-1 [data-field=step-status]").first).to_have_text("succeeded")
        rhea.screenshot("incident-triggered")
        assert rhea.accessibility_problems() == []

        page.get_by_role("button", name="Acknowledge").click()
        expect(page.locator("#state [data-field=status]")).to_have_text("acknowledged")
        expect(page.locator("[data-field=escalation]")).to_have_text("acknowledged")

        # A read-only diagnostic run from the page, and its output.
        page.get_by_role("button", name="Run command 1").click()
        newest = page.locator("#command-1 .step").first
        expect(newest.locator("[data-field=step-status]")).to_have_text("succeeded")
        expect(newest.get_by_role("region", name=re.compile("^Output of step"))).to_contain_text("cache")
        assert "requested by rhea" in newest.inner_text()

        # A mutating step waits for a responder's approval (the requester may give it), then runs.
        page.get_by_role("button", name="Request command 2").click()
        expect(page.locator("#command-2 [data-field=step-status]").first).to_have_text("awaiting approval")
        assert not (scene.scratch / "archive").exists()
        page.locator("#command-2").get_by_role("button", name=re.compile("^Approve step")).click()
        expect(page.locator("#command-2 [data-field=step-status]").first).to_have_text("succeeded")
        assert (scene.scratch / "archive").is_dir()

        # A destructive step needs a second responder: the requester's approval is refused.
        page.get_by_role("button", name="Request command 3").click()
        expect(page.locator("#command-3 [data-field=step-status]").first).to_have_text("awaiting approval")
        page.locator("#command-3").get_by_role("button", name=re.compile("^Approve step")).click()
        expect(page.get_by_role("alert")).to_contain_text("needs a second responder")
        assert (scene.scratch / "cache").exists()
        rhea.screenshot("incident-destructive-awaiting-second-responder")
        sol.sign_in("sol", path=f"/incidents/{incident_id}")
        sol.page.locator("#command-3").get_by_role("button", name=re.compile("^Approve step")).click()
        expect(sol.page.locator("#command-3 [data-field=step-status]").first).to_have_text("succeeded")
        expect(sol.page.locator("#command-3 .step").first).to_contain_text("approved by sol")
        assert not (scene.scratch / "cache").exists()

        # Resolve; the timeline shows every move, each entry verified by the hash chain.
        rhea.open(f"/incidents/{incident_id}")
        page.get_by_label("Move to").select_option("resolved")
        page.get_by_role("button", name="Move").click()
        expect(page.locator("#state [data-field=status]")).to_have_text("resolved")
        timeline = page.locator("#timeline")
        expect(timeline).to_contain_text("Status acknowledged → resolved")
        expect(timeline).to_contain_text("approved")
        assert timeline.locator(".unverified").count() == 0
        rhea.screenshot("incident-resolved")
        assert rhea.accessibility_problems() == []
        # The one failed load is the refused approval's page itself, answered 403 as the API answers it.
        assert rhea.errors == ["Failed to load resource: the server responded with a status of 403 (Forbidden)"]
        assert sol.errors == []


def test_every_link_in_a_delivered_page_answers_200_after_sign_in(chromium: Browser, scene: Scene) -> None:
    site = scene.site
    incident_id = fire(site, volume="second")
    links = delivered_links(scene.inbox, incident_id)
    assert {urlsplit(link).path.split("/")[1] for link in links} == {"ack", "incidents"}
    with console(chromium, site, viewport=PHONE) as tab:
        for number, link in enumerate(links):
            assert link.startswith(site.url), link
            response = tab.page.goto(link)
            if "/login" in tab.page.url:
                tab.page.get_by_label("User name").fill("sol")
                tab.page.get_by_label("Password").fill(site.passwords["sol"])
                with tab.page.expect_navigation():
                    tab.page.get_by_role("button", name="Sign in").click()
                response = tab.page.goto(link)
            assert response is not None and response.status == 200, (link, response and response.status)
            assert tab.page.url == link
            tab.screenshot(f"delivered-link-{number}-phone")
            assert tab.accessibility_problems() == []


def test_the_incident_page_works_at_375_px_by_keyboard_alone(chromium: Browser, scene: Scene) -> None:
    site = scene.site
    incident_id = fire(site, volume="third")
    with console(chromium, site, viewport=PHONE) as tab:
        page = tab.open(f"/incidents/{incident_id}")
        # Sign in with the keyboard only: the name field has the focus, Tab to the password, Enter.
        page.keyboard.type("rhea")
        page.keyboard.press("Tab")
        page.keyboard.type(site.passwords["rhea"])
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_contain_text(f"#{incident_id}")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]

        def tab_to(name: str) -> None:
            for _ in range(80):
                page.keyboard.press("Tab")
                if page.evaluate("() => (document.activeElement.innerText || document.activeElement.id || '')"
                                 ".trim()") == name:
                    return
            raise AssertionError(f"{name!r} is not reachable with Tab")

        if page.locator("#state [data-field=status]").inner_text() == "triggered":
            tab_to("Acknowledge")
            with page.expect_navigation():
                page.keyboard.press("Enter")
            expect(page.locator("#state [data-field=status]")).to_have_text("acknowledged")
        tab_to("note")
        page.keyboard.type("Checked the volume from my phone")
        tab_to("Add note")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.locator("#timeline")).to_contain_text("Note: Checked the volume from my phone")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        tab.screenshot("incident-phone")
        assert tab.accessibility_problems() == []
        tab.open("/incidents?status=all")
        expect(page.locator(f"#incident-{incident_id}")).to_be_visible()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        tab.screenshot("incidents-list-phone")
        assert tab.accessibility_problems() == []
