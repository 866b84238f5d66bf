"""The runbook model every later stage reads: what import produces and storage keeps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

RunbookKind = Literal["scenario", "process"]
CommandLanguage = Literal["bash", "sql", "yaml", "plain"]
CommandClass = Literal["read-only", "mutating", "destructive", "interactive"]
COMMAND_CLASSES: tuple[CommandClass, ...] = ("read-only", "mutating", "destructive", "interactive")


@dataclass(frozen=True)
class Command:
    """One runnable unit (continuations and heredocs kept whole) with its class and why."""

    text: str
    language: CommandLanguage
    cls: CommandClass
    reason: str
    placeholders: list[str]
    line: int
    phase: str | None
    comment: str = ""
    fence: str = ""


@dataclass(frozen=True)
class Step:
    """One prose step (list item or paragraph) of a phase."""

    text: str
    line: int


@dataclass(frozen=True)
class Phase:
    """A labelled part of a runbook (Symptoms, Investigation, Remediation …) in document order."""

    name: str
    kind: str
    line: int
    steps: list[Step] = field(default_factory=list)


@dataclass(frozen=True)
class Link:
    """A link found in the runbook."""

    text: str
    url: str
    line: int


@dataclass(frozen=True)
class ChecklistItem:
    """A `- [ ]` item."""

    text: str
    checked: bool
    line: int


@dataclass(frozen=True)
class Runbook:
    """One incident scenario or process document, as the team wrote it."""

    title: str
    slug: str
    kind: RunbookKind
    source_path: str
    line: int
    severity_hint: str | None
    alert_names: list[str]
    symptoms: list[str]
    phases: list[Phase]
    commands: list[Command]
    links: list[Link]
    checklists: list[ChecklistItem]
    last_updated: date | None = None
    next_review: date | None = None
    collection: str | None = None
    url: str | None = None
    end_line: int | None = None
    review_line: int | None = None

    @property
    def base_url(self) -> str | None:
        """The URL the collection this runbook came from is published at."""
        return self.collection
