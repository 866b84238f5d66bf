"""Runbooks to and from plain JSON-ready dicts (what storage keeps and the API returns)."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from firebreak.runbook.model import ChecklistItem, Command, Link, Phase, Runbook, Step


def runbook_to_dict(runbook: Runbook) -> dict[str, Any]:
    """Every field, dates as ISO strings (written out by hand: `dataclasses.asdict` is slow at scale)."""
    return {
        "title": runbook.title, "slug": runbook.slug, "kind": runbook.kind, "source_path": runbook.source_path,
        "line": runbook.line, "severity_hint": runbook.severity_hint, "alert_names": list(runbook.alert_names),
        "symptoms": list(runbook.symptoms),
        "phases": [{"name": p.name, "kind": p.kind, "line": p.line,
                    "steps": [{"text": s.text, "line": s.line} for s in p.steps]} for p in runbook.phases],
        "commands": [{"text": c.text, "language": c.language, "cls": c.cls, "reason": c.reason,
                      "placeholders": list(c.placeholders), "line": c.line, "phase": c.phase,
                      "comment": c.comment, "fence": c.fence} for c in runbook.commands],
        "links": [{"text": link.text, "url": link.url, "line": link.line} for link in runbook.links],
        "checklists": [{"text": c.text, "checked": c.checked, "line": c.line} for c in runbook.checklists],
        "last_updated": runbook.last_updated.isoformat() if runbook.last_updated else None,
        "next_review": runbook.next_review.isoformat() if runbook.next_review else None,
        "collection": runbook.collection, "url": runbook.url, "end_line": runbook.end_line,
        "review_line": runbook.review_line,
    }


def runbook_from_dict(data: dict[str, Any]) -> Runbook:
    """The inverse of `runbook_to_dict`."""
    return Runbook(
        title=data["title"], slug=data["slug"], kind=data["kind"], source_path=data["source_path"],
        line=data["line"], severity_hint=data.get("severity_hint"), alert_names=list(data.get("alert_names", [])),
        symptoms=list(data.get("symptoms", [])),
        phases=[Phase(name=p["name"], kind=p["kind"], line=p["line"],
                      steps=[Step(**s) for s in p.get("steps", [])]) for p in data.get("phases", [])],
        commands=[Command(**c) for c in data.get("commands", [])],
        links=[Link(**link) for link in data.get("links", [])],
        checklists=[ChecklistItem(**item) for item in data.get("checklists", [])],
        last_updated=date.fromisoformat(data["last_updated"]) if data.get("last_updated") else None,
        next_review=date.fromisoformat(data["next_review"]) if data.get("next_review") else None,
        collection=data.get("collection"), url=data.get("url"), end_line=data.get("end_line"),
        review_line=data.get("review_line"))


def content_hash(data: dict[str, Any]) -> str:
    """A stable digest of a runbook's content, to tell a changed re-import from an unchanged one."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def command_out(command: Command) -> dict[str, Any]:
    """A command as the API shows it."""
    return {"text": command.text, "language": command.language, "class": command.cls, "reason": command.reason,
            "placeholders": list(command.placeholders), "line": command.line, "phase": command.phase}
