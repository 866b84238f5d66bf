"""Runbook endpoints: list and search, show, match, import (responders), attach one to an incident."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field, field_validator

from firebreak.http.deps import DB, Responder, RuntimeDep, Viewer
from firebreak.incident import service
from firebreak.kernel.errors import InvalidInput
from firebreak.runbook.intake.importer import Source, import_sources
from firebreak.runbook.library import store
from firebreak.runbook.library.serialize import command_out, runbook_to_dict
from firebreak.runbook.match import attach
from firebreak.runbook.match.rank import ATTACH_THRESHOLD, best_match, rank
from firebreak.runbook.model import Runbook

router = APIRouter(tags=["runbooks"])
IncidentId = Annotated[int, Path(ge=1, le=2**31 - 1)]
MAX_DOCUMENTS = 2000


class CommandOut(BaseModel):
    """A classified command."""

    text: str
    language: str
    class_: str = Field(alias="class", serialization_alias="class")
    reason: str
    placeholders: list[str]
    line: int
    phase: str | None = None

    model_config = {"populate_by_name": True}


class RunbookSummary(BaseModel):
    """A runbook in a list: identity, alert names and its classified commands."""

    slug: str
    title: str
    kind: str
    source_path: str
    line: int
    alert_names: list[str]
    severity_hint: str | None
    url: str | None
    commands: list[CommandOut]


class RunbookList(BaseModel):
    items: list[RunbookSummary]
    total: int
    limit: int
    offset: int


class MatchOut(BaseModel):
    slug: str
    title: str
    score: float
    reasons: list[str]


class MatchList(BaseModel):
    matches: list[MatchOut]
    best: MatchOut | None
    threshold: float


class DocumentIn(BaseModel):
    """One Markdown document to import; `path` is its place in the collection (used for slug and URL)."""

    path: str = Field(min_length=1, max_length=1000)
    content: str = Field(max_length=2_000_000)

    @field_validator("path")
    @classmethod
    def relative(cls, value: str) -> str:
        parts = value.replace("\\", "/").split("/")
        if value.startswith(("/", "\\")) or ".." in parts or not value.strip():
            raise ValueError("must be a relative path inside the collection, without '..'")
        return value


class ImportIn(BaseModel):
    """Markdown documents to import, and where the collection is published."""

    documents: list[DocumentIn] = Field(min_length=1, max_length=MAX_DOCUMENTS)
    base_url: str | None = Field(default=None, max_length=2000, pattern=r"^https?://\S+$")


class ImportOut(BaseModel):
    created: list[str]
    updated: list[str]
    unchanged: list[str]
    runbooks: list[dict[str, Any]]


class AttachIn(BaseModel):
    slug: str = Field(min_length=1, max_length=255)


class AttachmentOut(BaseModel):
    slug: str
    title: str
    source_path: str | None = None
    score: float | None = None
    reasons: list[str] = Field(default_factory=list)


def summary(runbook: Runbook) -> RunbookSummary:
    return RunbookSummary(slug=runbook.slug, title=runbook.title, kind=runbook.kind, source_path=runbook.source_path,
                          line=runbook.line, alert_names=list(runbook.alert_names),
                          severity_hint=runbook.severity_hint, url=runbook.url,
                          commands=[CommandOut(**command_out(c)) for c in runbook.commands])


def parse_labels(raw: list[str]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for item in raw:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InvalidInput(f"label {item!r} is not key=value", field="label")
        labels[key.strip()] = value.strip()
    return labels


@router.get("/api/v1/runbooks", response_model=RunbookList, response_model_by_alias=True)
def list_runbooks(db: DB, _caller: Viewer,
                  q: Annotated[str | None, Query(max_length=500, description="words to search for")] = None,
                  kind: Annotated[str | None, Query(pattern="^(scenario|process)$")] = None,
                  limit: Annotated[int, Query(ge=1, le=500)] = 100,
                  offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> RunbookList:
    page = store.list_runbooks(db, kind=kind, query=q, limit=limit, offset=offset)
    return RunbookList(items=[summary(r) for r in page.items], total=page.total, limit=limit, offset=offset)


@router.get("/api/v1/runbooks/match", response_model=MatchList)
def match_runbooks(db: DB, _caller: Viewer,
                   alertname: Annotated[list[str] | None, Query(max_length=50)] = None,
                   label: Annotated[list[str] | None, Query(max_length=100, description="key=value")] = None,
                   runbook_url: Annotated[list[str] | None, Query(max_length=20)] = None,
                   text: Annotated[str, Query(max_length=5000)] = "") -> MatchList:
    labels = parse_labels(label or [])
    names = list(alertname or [])
    if labels.get("alertname"):
        names.append(labels["alertname"])
    if not names and not runbook_url and not text and not labels:
        raise InvalidInput("give at least one of alertname, label, runbook_url or text", field="alertname")
    runbooks = store.scenarios(db)
    titles = {r.slug: r.title for r in runbooks}
    matches = rank(runbooks, alert_names=names, runbook_urls=list(runbook_url or []), labels=labels, text=text)
    out = [MatchOut(slug=m.slug, title=titles[m.slug], score=m.score, reasons=m.reasons) for m in matches[:20]]
    best = best_match(matches)
    return MatchList(matches=out, threshold=ATTACH_THRESHOLD,
                     best=next((m for m in out if best and m.slug == best.slug), None))


@router.post("/api/v1/runbooks/import", response_model=ImportOut)
def import_runbooks(body: ImportIn, db: DB, runtime: RuntimeDep, caller: Responder) -> ImportOut:
    paths = [d.path for d in body.documents]
    if len(set(paths)) != len(paths):
        raise InvalidInput("two documents have the same path", field="documents")
    runbooks = import_sources([Source(d.path, d.path, d.content) for d in body.documents], base_url=body.base_url)
    report = store.save_runbooks(db, runbooks=runbooks, now=runtime.clock.now(), actor=caller.name)
    return ImportOut(created=report.created, updated=report.updated, unchanged=report.unchanged,
                     runbooks=[{"slug": r.slug, "title": r.title, "kind": r.kind, "line": r.line,
                                "source_path": r.source_path} for r in runbooks])


@router.get("/api/v1/runbooks/{slug:path}")
def get_runbook(slug: Annotated[str, Path(max_length=255)], db: DB, _caller: Viewer) -> dict[str, Any]:
    runbook = store.get_runbook(db, slug=slug)
    data = runbook_to_dict(runbook)
    data["commands"] = [command_out(c) for c in runbook.commands]
    data["history"] = [{"version": v.version, "imported_at": v.imported_at.isoformat(),
                        "imported_by": v.imported_by, "source_path": v.source_path}
                       for v in store.history(db, slug=slug)]
    return data


@router.post("/api/v1/incidents/{incident_id}/runbook", response_model=AttachmentOut)
def attach_runbook(incident_id: IncidentId, body: AttachIn, db: DB, runtime: RuntimeDep,
                   caller: Responder) -> AttachmentOut:
    service.get(db, incident_id=incident_id, lock=True)
    out = attach.attach(db, incident_id=incident_id, slug=body.slug, actor=caller.name, now=runtime.clock.now())
    return AttachmentOut(**out)
