"""API shapes of status updates and their drafts (no web framework: the CLI's database side reads them too)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from firebreak.communicate.drafts import Draft, facts_of
from firebreak.communicate.posting import UpdateRequest
from firebreak.config.types import positive_duration
from firebreak.db.models.communicate import StatusUpdateRecord


class UpdateIn(BaseModel):
    """A status update to post. Anything left out is drafted from the incident; `body` is the edited text."""

    model_config = ConfigDict(extra="forbid")
    kind: str | None = Field(default=None, max_length=32)
    visibility: str | None = Field(default=None, max_length=16)
    status: str | None = Field(default=None, min_length=1, max_length=32)
    title: str | None = Field(default=None, min_length=1, max_length=255)
    body: str | None = Field(default=None, min_length=1, max_length=20000)
    impact: str | None = Field(default=None, max_length=2000)
    message: str | None = Field(default=None, max_length=4000)
    actions: list[str] = Field(default_factory=list, max_length=50)
    next_steps: list[str] = Field(default_factory=list, max_length=50)
    root_cause: str | None = Field(default=None, max_length=4000)
    resolution: str | None = Field(default=None, max_length=4000)
    next_update_in: str | None = Field(default=None, max_length=32, description="e.g. 15m; default: the cadence")


class UpdateOut(BaseModel):
    """A posted status update."""

    id: int
    incident_id: int
    kind: str
    visibility: str
    status: str
    title: str
    body: str
    components: list[dict[str, Any]]
    next_update_at: datetime | None
    posted_by: str
    posted_at: datetime

    @classmethod
    def of(cls, record: StatusUpdateRecord) -> UpdateOut:
        return cls.model_validate(record, from_attributes=True)


class DraftOut(BaseModel):
    """The drafted next update: edit `body` and post it; `suggested` lists the kinds that fit now."""

    kind: str
    visibility: str
    status: str
    title: str
    body: str
    next_update_at: datetime | None
    components: list[dict[str, str]]
    suggested: list[str]

    @classmethod
    def of(cls, draft: Draft) -> DraftOut:
        return cls(kind=draft.kind, visibility=draft.visibility, status=draft.status, title=draft.title,
                   body=draft.body, next_update_at=draft.next_update_at, suggested=list(draft.suggested),
                   components=[{"name": c.name, "status": c.status} for c in draft.components])


def request_of(body: UpdateIn) -> UpdateRequest:
    every = positive_duration(body.next_update_in, field="next_update_in") if body.next_update_in else None
    return UpdateRequest(kind=body.kind, visibility=body.visibility, body=body.body, next_update_in=every,
                         fields=facts_of(body.model_dump()))
