"""Signing in and out of the console in Chromium: back to the page asked for, a clear page for an ended session."""

from __future__ import annotations

import httpx
from playwright.sync_api import Browser, expect

from tests.support.browser import PHONE, Site, console


def test_sign_in_leads_back_to_the_page_asked_for(chromium: Browser, site: Site) -> None:
    with console(chromium, site) as tab:
        tab.open("/incidents?status=all")
        assert "/login?next=" in tab.page.url
        tab.page.get_by_label("User name").fill("rhea")
        tab.page.get_by_label("Password").fill(site.passwords["rhea"])
        tab.page.get_by_role("button", name="Sign in").click()
        expect(tab.page.get_by_role("heading", name="Incidents")).to_be_visible()
        assert tab.page.url.endswith("/incidents?status=all")
        expect(tab.page.locator(".who")).to_contain_text("rhea")
        tab.screenshot("incidents-list-empty")
        assert tab.accessibility_problems() == []
        assert tab.errors == []


def test_the_first_start_admin_password_signs_in(chromium: Browser, site: Site) -> None:
    with console(chromium, site) as tab:
        tab.sign_in("admin", path="/")
        expect(tab.page.get_by_role("heading", name="Incidents")).to_be_visible()


def test_wrong_password_says_so_and_keeps_the_name(chromium: Browser, site: Site) -> None:
    with console(chromium, site, viewport=PHONE) as tab:
        tab.open("/login")
        tab.page.get_by_label("User name").fill("sol")
        tab.page.get_by_label("Password").fill("not the password")
        tab.page.get_by_role("button", name="Sign in").click()
        expect(tab.page.get_by_role("alert")).to_contain_text("wrong user name or password")
        expect(tab.page.get_by_label("User name")).to_have_value("sol")
        tab.screenshot("sign-in-refused-phone")
        assert tab.accessibility_problems() == []


def test_signing_out_ends_the_session_and_an_old_cookie_gets_the_ended_page(chromium: Browser, site: Site) -> None:
    with console(chromium, site) as tab:
        tab.sign_in("sol")
        cookies = tab.context.cookies()
        tab.page.get_by_role("button", name="Sign out").click()
        expect(tab.page.get_by_role("status")).to_contain_text("You have signed out")
        # The ended session's cookie, presented again, is answered with a page that says so.
        tab.context.add_cookies(cookies)
        tab.open("/incidents")
        expect(tab.page.get_by_role("heading", name="Your session has ended")).to_be_visible()
        expect(tab.page.get_by_role("alert")).to_contain_text("Session ended")
        tab.screenshot("session-ended")
        assert tab.accessibility_problems() == []
        tab.page.get_by_label("User name").fill("sol")
        tab.page.get_by_label("Password").fill(site.passwords["sol"])
        tab.page.get_by_role("button", name="Sign in again").click()
        expect(tab.page.get_by_role("heading", name="Incidents")).to_be_visible()


def test_a_sign_in_form_posted_from_another_site_is_refused(site: Site) -> None:
    form = {"username": "rhea", "password": site.passwords["rhea"], "next": "/incidents"}
    with httpx.Client(base_url=site.url) as client:
        refused = client.post("/login", data=form, headers={"Origin": "https://evil.example"})
        assert refused.status_code == 403 and "firebreak_session" not in refused.headers.get("set-cookie", "")
        assert "own sign-in page" in refused.text and refused.headers["content-type"].startswith("text/html")
        accepted = client.post("/login", data=form, headers={"Origin": site.url, "Sec-Fetch-Site": "same-origin"})
        assert accepted.status_code == 303 and accepted.headers["location"] == "/incidents"
        assert "firebreak_session=" in accepted.headers["set-cookie"]


def test_next_never_leads_off_the_site(site: Site) -> None:
    form = {"username": "rhea", "password": site.passwords["rhea"]}
    with httpx.Client(base_url=site.url) as client:
        for wanted in ("https://evil.example/", "//evil.example", "/\\\\evil.example", "javascript:alert(1)"):
            answer = client.post("/login", data={**form, "next": wanted})
            assert answer.status_code == 303 and answer.headers["location"] == "/incidents", wanted


def test_a_link_followed_from_another_site_lands_signed_in(chromium: Browser, site: Site) -> None:
    """SameSite=Strict keeps the cookie off a navigation from a mail or chat page; the console's same-site
    reload brings it back, so a signed-in responder lands on the page the link names."""
    with console(chromium, site) as tab:
        tab.sign_in("rhea")
        elsewhere = site.url.replace("127.0.0.1", "localhost")  # another site, as far as cookies go
        tab.open("/incidents?status=all")
        tab.page.goto(f"{elsewhere}/login")
        tab.page.evaluate("(href) => { const a = document.createElement('a'); a.href = href; a.id = 'mail-link';"
                          " a.textContent = 'open the incident'; document.body.append(a); }",
                          f"{site.url}/incidents?status=all")
        answered: list[str] = []
        tab.page.on("response", lambda r: answered.append(r.request.all_headers().get("cookie", "no cookie"))
                    if r.url == f"{site.url}/incidents?status=all" else None)
        tab.page.click("#mail-link")
        expect(tab.page.get_by_role("heading", name="Incidents")).to_be_visible()
        assert tab.page.url == f"{site.url}/incidents?status=all"
        # First without the cookie (the browser holds it back), then with it, after the same-site reload.
        assert len(answered) == 2 and answered[0] == "no cookie" and "firebreak_session" in answered[1]
        expect(tab.page.locator(".who")).to_contain_text("rhea")
