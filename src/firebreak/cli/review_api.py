"""`firebreak review` against a running server (FIREBREAK_SERVER): the review endpoints through httpx."""

from __future__ import annotations

from typing import Any

import httpx

from firebreak.cli.common import check_response


class RemoteReviews:
    """Reviews through the server's API; the server checks roles and writes the audit log."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def __enter__(self) -> RemoteReviews:
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()

    def get(self, incident_id: int) -> dict[str, Any]:
        return check_response(self.client.get(f"/api/v1/incidents/{incident_id}/review"))

    def save(self, incident_id: int, sections: dict[str, str], status: str | None,
             base_version: int | None) -> dict[str, Any]:
        return check_response(self.client.put(f"/api/v1/incidents/{incident_id}/review", json={
            "sections": sections, "status": status, "base_version": base_version}))

    def draft(self, incident_id: int) -> dict[str, Any]:
        return check_response(self.client.post(f"/api/v1/incidents/{incident_id}/review/draft"))

    def versions(self, incident_id: int) -> list[dict[str, Any]]:
        return check_response(self.client.get(f"/api/v1/incidents/{incident_id}/review/versions"))

    def document(self, incident_id: int, form: str) -> str:
        suffix = "html" if form == "html" else "md"
        response = self.client.get(f"/api/v1/incidents/{incident_id}/review.{suffix}")
        if response.status_code >= 400:
            check_response(response)
        return response.text

    def mark(self, incident_id: int, seq: int, label: str | None) -> None:
        check_response(self.client.put(f"/api/v1/incidents/{incident_id}/key-events/{seq}", json={"label": label}))

    def unmark(self, incident_id: int, seq: int) -> None:
        response = self.client.delete(f"/api/v1/incidents/{incident_id}/key-events/{seq}")
        if response.status_code >= 400:
            check_response(response)
