"""Console pages over HTTP on both databases: filters and counts, live refresh answers, sign-in redirects,
refusals as pages, and moves that are the API's own (roles, timeline, audit, CSRF)."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from firebreak.db.models.core import TimelineEntryRecord
from firebreak.runtime import Runtime
from tests.payloads import alertmanager, am_alert
from tests.support.accounts import PASSWORD


def fire(ingest_client: TestClient, name: str, service: str, severity: str = "warning") -> int:
    response = ingest_client.post("/api/v1/alerts/alertmanager",
                                  json=alertmanager(am_alert(name, service=service, severity=severity)))
    assert response.status_code == 202, response.text
    return int(response.json()["results"][0]["incident_id"])


def sign_in(browser: TestClient, name: str) -> TestClient:
    """Sign in through the form; the client then says, as a browser does, that its requests come from this site."""
    browser.headers["Sec-Fetch-Site"] = "same-origin"
    answer = browser.post("/login", data={"username": name, "password": PASSWORD, "next": "/incidents"},
                          follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return browser


def shown_ids(html: str) -> set[int]:
    return {int(n) for n in re.findall(r'<tr id="incident-(\d+)"', html)}


def counts(html: str) -> dict[str, int]:
    return {state: int(n) for state, n in re.findall(r'data-count="([a-z]+)">(\d+)<', html)}


def test_the_list_filters_by_status_severity_service_team_and_mine(client: TestClient, ingest_client: TestClient,
                                                                   browser: TestClient, console_users) -> None:
    gateway = fire(ingest_client, "GatewayErrors", "api-gateway", severity="critical")
    payments = fire(ingest_client, "PaymentsSlow", "payments-api")
    database = fire(ingest_client, "PostgresTooManyConnections", "postgres")
    responder = console_users["responder"]
    assert client.post(f"/api/v1/incidents/{payments}/roles",
                       json={"role": "incident_commander", "assignee": responder}).status_code == 200
    assert client.post(f"/api/v1/incidents/{database}/acknowledge").status_code == 200
    sign_in(browser, responder)

    page = browser.get("/incidents")
    assert page.status_code == 200 and shown_ids(page.text) == {gateway, payments, database}
    assert counts(page.text) == {"open": 3, "triggered": 2, "acknowledged": 1, "investigating": 0, "identified": 0,
                                 "mitigating": 0, "monitoring": 0, "resolved": 0, "closed": 0, "all": 3}
    assert shown_ids(browser.get("/incidents?status=acknowledged").text) == {database}
    assert shown_ids(browser.get("/incidents?service=payments-api").text) == {payments}
    by_team = browser.get("/incidents?team=data")
    assert shown_ids(by_team.text) == {database} and counts(by_team.text)["acknowledged"] == 1
    assert counts(by_team.text)["triggered"] == 0
    assert shown_ids(browser.get("/incidents?mine=true").text) == {payments}
    severity = browser.get("/incidents?severity=critical")  # a word of the scale, as the API takes it
    assert shown_ids(severity.text) == {gateway}
    refused = browser.get("/incidents?status=sleeping")
    assert refused.status_code == 422 and "unknown status 'sleeping'" in html.unescape(refused.text)
    assert refused.headers["content-type"].startswith("text/html")


def test_the_live_list_answers_204_until_something_changes(ingest_client: TestClient, browser: TestClient,
                                                           console_users) -> None:
    sign_in(browser, console_users["viewer"])
    first = browser.get("/incidents/live?status=open")
    assert first.status_code == 200 and "No incident matches" in first.text
    poll = re.search(r'hx-get="([^"]+)"', first.text)
    assert poll is not None and "v=" in poll.group(1)
    again = browser.get(poll.group(1).replace("&amp;", "&"))
    assert again.status_code == 204 and again.content == b""
    incident = fire(ingest_client, "CheckoutErrors", "payments-api")
    changed = browser.get(poll.group(1).replace("&amp;", "&"))
    assert changed.status_code == 200 and shown_ids(changed.text) == {incident}
    assert 'id="incident-results"' in changed.text


def test_not_signed_in_goes_to_sign_in_and_htmx_is_redirected(anon_client: TestClient) -> None:
    page = anon_client.get("/incidents/7?x=1", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=%2Fincidents%2F7%3Fx%3D1"
    polled = anon_client.get("/incidents/live", headers={"HX-Request": "true",
                                                         "HX-Current-URL": "http://testserver/incidents?team=data"})
    assert polled.status_code == 401 and polled.headers["hx-redirect"] == "/login?next=%2Fincidents%3Fteam%3Ddata"
    # A link followed from another site (a mail or chat page) gets a same-site reload, then the cookie counts.
    from_mail = anon_client.get("/incidents/7", headers={"Sec-Fetch-Site": "cross-site"}, follow_redirects=False)
    assert from_mail.status_code == 200 and '<meta http-equiv="refresh" content="0">' in from_mail.text
    assert anon_client.get("/", follow_redirects=False).headers["location"] == "/incidents"


def test_refusals_are_pages_with_the_api_status(ingest_client: TestClient, browser: TestClient,
                                                console_users) -> None:
    incident = fire(ingest_client, "CheckoutErrors", "payments-api")
    sign_in(browser, console_users["viewer"])
    missing = browser.get("/incidents/999")
    assert missing.status_code == 404 and "incident 999 not found" in missing.text
    page = browser.get(f"/incidents/{incident}")
    assert page.status_code == 200 and "Acknowledge" not in page.text and 'id="respond"' not in page.text
    refused = browser.post(f"/incidents/{incident}/acknowledge", follow_redirects=False)
    assert refused.status_code == 403 and "responder or above is needed" in refused.text
    assert refused.headers["content-type"].startswith("text/html")


def test_moves_from_the_page_are_the_apis_moves(client: TestClient, ingest_client: TestClient, browser: TestClient,
                                                console_users) -> None:
    incident = fire(ingest_client, "CheckoutErrors", "payments-api")
    responder = console_users["responder"]
    sign_in(browser, responder)
    base = f"/incidents/{incident}"
    done = browser.post(f"{base}/acknowledge", follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"{base}#state"
    assert browser.post(f"{base}/severity", data={"severity": "critical", "reason": "merchants down"},
                        follow_redirects=False).status_code == 303
    assert browser.post(f"{base}/roles", data={"role": "incident_commander", "assignee": "amara"},
                        follow_redirects=False).status_code == 303
    assert browser.post(f"{base}/notes", data={"text": "rolled back 4.2"}, follow_redirects=False).status_code == 303
    api = client.get(f"/api/v1/incidents/{incident}").json()
    assert api["status"] == "acknowledged" and api["severity"] == "SEV1"
    assert api["roles"] == {"incident_commander": "amara"}
    kinds = [(e["kind"], e["actor"]) for e in client.get(f"/api/v1/incidents/{incident}/timeline").json()]
    assert ("incident.status", responder) in kinds and ("note", responder) in kinds
    audit = client.get("/api/v1/audit", params={"limit": 50}).json()
    actions = {(e["action"], e["actor"], e["status"]) for e in audit}
    assert ("POST /incidents/{incident_id}/acknowledge", responder, 303) in actions

    # A move the lifecycle does not allow is refused as the API refuses it, with the allowed moves named.
    wrong = browser.post(f"{base}/status", data={"status": "closed"}, follow_redirects=False)
    assert wrong.status_code == 409 and "Not done:" in wrong.text and "investigating" in wrong.text
    unknown = browser.post(f"{base}/roles", data={"role": "incident_commander", "assignee": "nobody-known"},
                           follow_redirects=False)
    assert unknown.status_code == 422 and "nobody-known" in unknown.text
    empty = browser.post(f"{base}/notes", data={"text": ""}, follow_redirects=False)
    assert empty.status_code == 422
    assert client.get(f"/api/v1/incidents/{incident}").json()["roles"] == {"incident_commander": "amara"}


def test_a_form_posted_from_another_site_changes_nothing(client: TestClient, ingest_client: TestClient,
                                                         browser: TestClient, console_users) -> None:
    incident = fire(ingest_client, "CheckoutErrors", "payments-api")
    sign_in(browser, console_users["responder"])
    forged = browser.post(f"/incidents/{incident}/acknowledge", headers={"Origin": "https://evil.example"},
                          follow_redirects=False)
    assert forged.status_code == 403 and "CSRF" in forged.text
    assert client.get(f"/api/v1/incidents/{incident}").json()["status"] == "triggered"


def test_a_tampered_timeline_is_shown_unverified_from_the_broken_entry(ingest_client: TestClient,
                                                                       browser: TestClient, console_users,
                                                                       runtime: Runtime) -> None:
    incident = fire(ingest_client, "CheckoutErrors", "payments-api")
    sign_in(browser, console_users["responder"])
    assert browser.post(f"/incidents/{incident}/notes", data={"text": "first"}).status_code == 200
    assert browser.post(f"/incidents/{incident}/notes", data={"text": "second"}).status_code == 200
    intact = browser.get(f"/incidents/{incident}").text
    assert "Chain verified" in intact and "not verified" not in intact
    with runtime.session_factory.begin() as session:
        seqs = sorted(session.scalars(select(TimelineEntryRecord.seq)
                                      .where(TimelineEntryRecord.incident_id == incident)))
        noted = seqs[-2]
        session.execute(update(TimelineEntryRecord).where(TimelineEntryRecord.incident_id == incident,
                                                          TimelineEntryRecord.seq == noted)
                        .values(data={"text": "edited afterwards"}))
    broken = browser.get(f"/incidents/{incident}").text
    assert "Chain broken" in broken and f"entry {noted}: content does not match its hash" in broken
    marks = dict(re.findall(r'<li id="entry-(\d+)">.*?(✔ verified|✘ not verified)', broken, re.S))
    assert marks[str(noted - 1)] == "✔ verified"
    assert marks[str(noted)] == "✘ not verified" and marks[str(noted + 1)] == "✘ not verified"


@pytest.mark.parametrize("path", ["/incidents", "/incidents/1", "/login"])
def test_pages_carry_the_csp_and_no_inline_script(anon_client: TestClient, client: TestClient,
                                                  ingest_client: TestClient, path: str) -> None:
    fire(ingest_client, "CheckoutErrors", "payments-api")
    page = client.get(path)
    assert page.status_code == 200
    nonce = re.search(r"'nonce-([^']+)'", page.headers["content-security-policy"])
    assert nonce is not None
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page.text, re.S)
    assert scripts and all(f'nonce="{nonce.group(1)}"' in attrs and 'src="/static/' in attrs and not body.strip()
                           for attrs, body in scripts)
    assert page.headers["cache-control"] == "no-store"
