"""Runbooks to and from plain JSON-ready dicts (what storage keeps and the API returns)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import date
from typing import Any

from firebreak.runbook.model import ChecklistItem, Command, Link, Phase, Runbook, Step


def runbook_to_dict(runbook: Runbook) -> dict[str, Any]:
    """Every field, dates as ISO strings."""
    data = asdict(runbook)
    for key in ("last_updated", "next_review"):
        value = getattr(runbook, key)
        data[key] = value.isoformat() if value else None
    return data


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
