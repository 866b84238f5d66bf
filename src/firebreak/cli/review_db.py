"""`firebreak review` on the database directly: the review stage, each change audited under who is acting.

Loaded only when no server is configured (see `cli/lazy.py`); answers have the API's JSON shape.
"""

from __future__ import annotations

from typing import Any

from firebreak.cli.database import change, open_runtime, unit_of_work
from firebreak.http.review_schemas import ReviewOut, ReviewVersionOut
from firebreak.incident import service
from firebreak.review import key_events, store
from firebreak.review.stage import document
from firebreak.runtime import Runtime


class LocalReviews:
    """Reviews in the configured database; each change is one transaction with its audit entry."""

    def __init__(self, *, as_name: str | None = None) -> None:
        self.as_name = as_name
        self.runtime: Runtime = open_runtime()

    def __enter__(self) -> LocalReviews:
        return self

    def __exit__(self, *exc: object) -> None:
        self.runtime.close()

    def get(self, incident_id: int) -> dict[str, Any]:
        with unit_of_work(self.runtime) as session:
            service.get(session, incident_id=incident_id)
            return ReviewOut.of(store.get(session, incident_id=incident_id)).model_dump(mode="json")

    def save(self, incident_id: int, sections: dict[str, str], status: str | None,
             base_version: int | None) -> dict[str, Any]:
        with change(self.runtime, action="review edit", target={"incident_id": incident_id},
                    as_name=self.as_name) as done:
            service.get(done.session, incident_id=incident_id)
            review = store.save(done.session, incident_id=incident_id, sections=sections, status=status,
                                base_version=base_version, author=done.actor, now=done.now)
            return ReviewOut.of(review).model_dump(mode="json")

    def draft(self, incident_id: int) -> dict[str, Any]:
        with change(self.runtime, action="review draft", target={"incident_id": incident_id},
                    as_name=self.as_name) as done:
            incident = service.get(done.session, incident_id=incident_id, lock=True)
            review = self.runtime.review.redraft(done.session, incident=incident, actor=done.actor, now=done.now,
                                                 change="drafted on request")
            return ReviewOut.of(review).model_dump(mode="json")

    def versions(self, incident_id: int) -> list[dict[str, Any]]:
        with unit_of_work(self.runtime) as session:
            return [ReviewVersionOut.of(v).model_dump(mode="json")
                    for v in store.versions(session, incident_id=incident_id)]

    def document(self, incident_id: int, form: str) -> str:
        with unit_of_work(self.runtime) as session:
            incident = service.get(session, incident_id=incident_id)
            return document(incident, store.get(session, incident_id=incident_id), form=form)

    def mark(self, incident_id: int, seq: int, label: str | None) -> None:
        with change(self.runtime, action="review mark", target={"incident_id": incident_id, "seq": seq},
                    as_name=self.as_name) as done:
            incident = service.get(done.session, incident_id=incident_id, lock=True)
            key_events.mark(done.session, incident=incident, seq=seq, label=label, actor=done.actor, now=done.now)
            self.runtime.review.refresh(done.session, incident=incident, actor=done.actor, now=done.now,
                                        change=f"key event {seq} marked")

    def unmark(self, incident_id: int, seq: int) -> None:
        with change(self.runtime, action="review unmark", target={"incident_id": incident_id, "seq": seq},
                    as_name=self.as_name) as done:
            incident = service.get(done.session, incident_id=incident_id, lock=True)
            if key_events.unmark(done.session, incident_id=incident_id, seq=seq):
                self.runtime.review.refresh(done.session, incident=incident, actor=done.actor, now=done.now,
                                            change=f"key event {seq} unmarked")
