"""/docs and /redoc in Chromium: the vendored Swagger UI and ReDoc render the API offline, under the CSP."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.support.browser import Site, console


def test_swagger_ui_and_redoc_render_from_this_site_only(chromium: Browser, site: Site) -> None:
    with console(chromium, site) as tab:
        tab.sign_in("rhea")
        # ReDoc's sidebar credit asks for its logo from a CDN; the CSP blocks that, so nothing is ever answered
        # from outside the site (a response event fires only for requests that went out).
        outside: list[str] = []
        tab.page.on("response", lambda r: outside.append(r.url)
                    if not r.url.startswith((site.url, "data:", "blob:")) else None)
        tab.open("/docs")
        expect(tab.page.locator(".opblock-summary-path", has_text="/api/v1/incidents/{incident_id}/acknowledge")
               .first).to_be_visible()
        # "Try it out" with the session sends its CSRF token, which the page hands to Swagger UI.
        assert tab.page.evaluate("() => [document.body.dataset.csrfHeader, (document.body.dataset.csrf || '').length]"
                                 ) == ["X-CSRF-Token", 64]
        tab.screenshot("api-docs-swagger", full_page=False)
        tab.open("/redoc")
        expect(tab.page.get_by_role("menuitem", name="incidents")).to_be_visible()
        expect(tab.page.get_by_text("/api/v1/incidents/{incident_id}/acknowledge").first).to_be_attached()
        tab.screenshot("api-docs-redoc", full_page=False)
        assert outside == []
        # No script or style was refused: the one refusal is that credit image.
        assert [e for e in tab.errors if "logo-mini.svg" not in e] == []
