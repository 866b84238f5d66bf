"""API shapes of post-incident reviews, their versions and key events (separate from the ORM models)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from firebreak.db.models.review import KeyEventRecord, ReviewRecord, ReviewVersionRecord
from firebreak.review.template import SECTIONS


class SectionOut(BaseModel):
    """One section of a review: its key, heading, the prompt it started with and its Markdown."""

    key: str
    heading: str
    prompt: str
    text: str


class ReviewOut(BaseModel):
    """An incident's review as it stands: draft or complete, at its latest version."""

    incident_id: int
    status: str
    version: int
    sections: list[SectionOut]
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    completed_by: str | None

    @classmethod
    def of(cls, record: ReviewRecord) -> ReviewOut:
        return cls(incident_id=record.incident_id, status=record.status, version=record.version,
                   sections=[SectionOut(key=s.key, heading=s.heading, prompt=s.prompt,
                                        text=str(record.sections.get(s.key, ""))) for s in SECTIONS],
                   created_at=record.created_at, updated_at=record.updated_at, completed_at=record.completed_at,
                   completed_by=record.completed_by)


class ReviewIn(BaseModel):
    """An edit: new Markdown for some sections (by key), a new status, and the version it started from."""

    model_config = ConfigDict(extra="forbid")
    sections: dict[str, str] = Field(default_factory=dict, max_length=32)
    status: str | None = Field(default=None, max_length=16, description="draft or complete")
    base_version: int | None = Field(default=None, ge=1, le=2**31 - 1,
                                     description="The version the edit started from; a later save refuses it")


class ReviewVersionOut(BaseModel):
    """One kept version of a review."""

    version: int
    status: str
    author: str
    saved_at: datetime
    change: str
    sections: dict[str, str]

    @classmethod
    def of(cls, record: ReviewVersionRecord) -> ReviewVersionOut:
        return cls(version=record.version, status=record.status, author=record.author, saved_at=record.saved_at,
                   change=record.change, sections={str(k): str(v) for k, v in record.sections.items()})


class KeyEventIn(BaseModel):
    """Mark a timeline entry as a key event, optionally with the words the review's table shows."""

    model_config = ConfigDict(extra="forbid")
    label: str | None = Field(default=None, max_length=500)


class KeyEventOut(BaseModel):
    """A timeline entry marked as a key event."""

    seq: int
    label: str | None
    marked_by: str
    marked_at: datetime

    @classmethod
    def of(cls, record: KeyEventRecord) -> KeyEventOut:
        return cls(seq=record.seq, label=record.label, marked_by=record.marked_by, marked_at=record.marked_at)
