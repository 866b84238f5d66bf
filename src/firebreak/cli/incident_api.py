"""`firebreak incident` against a running server (FIREBREAK_SERVER): the REST API through httpx.

Imports nothing of the database layer or the web app, so these commands start quickly.
"""

from __future__ import annotations

from typing import Any

import httpx

from firebreak.cli.common import check_response


class RemoteIncidents:
    """Incidents through the server's API; the server checks roles and writes the audit log."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def __enter__(self) -> RemoteIncidents:
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()

    def list(self, *, status: list[str], severity: list[str], services: list[str], limit: int) -> list[dict[str, Any]]:
        params = {"status": status, "severity": severity, "service": services, "limit": limit}
        return check_response(self.client.get("/api/v1/incidents", params=params))["items"]

    def detail(self, incident_id: int) -> dict[str, Any]:
        return check_response(self.client.get(f"/api/v1/incidents/{incident_id}"))

    def move(self, incident_id: int, target: str, reason: str | None) -> None:
        if target == "acknowledged":
            check_response(self.client.post(f"/api/v1/incidents/{incident_id}/acknowledge"))
        else:
            check_response(self.client.post(f"/api/v1/incidents/{incident_id}/transition",
                                            json={"status": target, "reason": reason}))

    def note(self, incident_id: int, text: str) -> None:
        check_response(self.client.post(f"/api/v1/incidents/{incident_id}/notes", json={"text": text}))

    def severity(self, incident_id: int, severity: str, reason: str | None) -> dict[str, Any]:
        return check_response(self.client.post(f"/api/v1/incidents/{incident_id}/severity",
                                               json={"severity": severity, "reason": reason}))

    def role(self, incident_id: int, role: str, assignee: str | None) -> None:
        check_response(self.client.post(f"/api/v1/incidents/{incident_id}/roles",
                                        json={"role": role, "assignee": assignee}))

    def draft(self, incident_id: int, kind: str | None, visibility: str | None) -> dict[str, Any]:
        params = {key: value for key, value in (("kind", kind), ("visibility", visibility)) if value}
        return check_response(self.client.get(f"/api/v1/incidents/{incident_id}/updates/draft", params=params))

    def post_update(self, incident_id: int, update: dict[str, Any]) -> dict[str, Any]:
        body = {key: value for key, value in update.items() if value is not None}
        return check_response(self.client.post(f"/api/v1/incidents/{incident_id}/updates", json=body))

    def timeline(self, incident_id: int) -> list[dict[str, Any]]:
        return check_response(self.client.get(f"/api/v1/incidents/{incident_id}/timeline"))

    def verify(self, incident_id: int) -> dict[str, Any]:
        return check_response(self.client.get(f"/api/v1/incidents/{incident_id}/timeline/verify"))

    def declare(self, fields: dict[str, Any]) -> dict[str, Any]:
        return check_response(self.client.post("/api/v1/incidents", json=fields))

    def merge(self, incident_id: int, fields: dict[str, Any]) -> dict[str, Any]:
        return check_response(self.client.post(f"/api/v1/incidents/{incident_id}/merge", json=fields))
