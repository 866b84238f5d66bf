"""Splitting a Markdown file into runbooks: one per incident scenario, process documents kept apart.

A file is a *collection* when its top-level sections hold scenario groups (`## High-Severity
Incidents` → `### …`, `## Common Issues & Solutions` → `### 1. …`) or several sections that
look like scenarios (labelled Symptoms / Detection / Remediation …, or marked with a siren).
Otherwise the whole file is one runbook (the one-alert-per-file layout of public runbook sites).
"""

from __future__ import annotations

from dataclasses import dataclass

from firebreak.runbook.intake.markdown import Document, Section, label_of
from firebreak.runbook.intake.sections import (
    SCENARIO_SIGNS,
    SIRENS,
    is_group_title,
    is_process_title,
    phase_kind,
    severity_from_title,
)
from firebreak.runbook.intake.text import clean_title
from firebreak.runbook.model import RunbookKind

SKIPPED = frozenset({"table of contents", "contents", "toc"})


@dataclass(frozen=True)
class Part:
    """One runbook-to-be: its sections, title, kind and the severity its group implies."""

    title: str
    kind: RunbookKind
    sections: list[Section]
    own_heading: bool
    severity_hint: str | None = None
    anchor_title: str = ""


def signs(section: Section) -> set[str]:
    """Scenario phase kinds labelled inside a section (sub-headings and bold lead-ins)."""
    found: set[str] = set()
    for inner in section.walk():
        if inner is not section:
            kind = phase_kind(inner.title)
            if kind in SCENARIO_SIGNS:
                found.add(kind)
        for block in inner.blocks:
            label = label_of(block.inline) if block.kind in ("paragraph", "item") else None
            if label:
                kind = phase_kind(label)
                if kind in SCENARIO_SIGNS:
                    found.add(kind)
    return found


def looks_like_scenario(section: Section) -> bool:
    """Not itself a label, and labelled like an incident scenario (or marked with a siren)."""
    if phase_kind(section.title) != "other" and not section.symbol:
        return False
    if is_process_title(section.title):
        return False
    found = signs(section)
    return len(found) >= 2 or (bool(found) and section.symbol in SIRENS)


def is_group(section: Section) -> bool:
    """A heading that gathers scenarios under it (`Database-Specific Incidents`)."""
    if not section.children or is_process_title(section.title) or not is_group_title(section.title):
        return False
    return any(phase_kind(child.title) == "other" for child in section.children)


def top_sections(document: Document) -> tuple[Section | None, list[Section]]:
    """The document heading (a lone H1) and the sections directly under it."""
    root = document.root
    if len(root.children) == 1 and root.children[0].level == 1:
        return root.children[0], root.children[0].children
    return None, root.children


def split_document(document: Document) -> list[Part]:
    """The runbooks a document holds, in document order."""
    heading, tops = top_sections(document)
    tops = [s for s in tops if s.title.lower() not in SKIPPED]
    groups = [s for s in tops if is_group(s)]
    scenarios = [s for s in tops if s not in groups and looks_like_scenario(s)]
    if not groups and len(scenarios) < 2:
        return [_whole(document, heading)]
    parts: list[Part] = []
    for section in tops:
        if section in groups:
            parts.extend(_group(section, severity_from_title(section.title)))
        elif section in scenarios:
            parts.append(Part(clean_title(section.title), "scenario", [section], True,
                              anchor_title=section.raw_title))
        elif section.blocks or section.children:
            parts.append(Part(clean_title(section.title), "process", [section], True,
                              anchor_title=section.raw_title))
    return parts


def _group(section: Section, severity: str | None) -> list[Part]:
    parts: list[Part] = []
    for child in section.children:
        if is_group(child) and not signs_of_own(child):
            parts.extend(_group(child, severity_from_title(child.title) or severity))
            continue
        kind: RunbookKind = "process" if phase_kind(child.title) != "other" and not looks_like_scenario(child) \
            else "scenario"
        parts.append(Part(clean_title(child.title), kind, [child], True, severity, anchor_title=child.raw_title))
    return parts


def signs_of_own(section: Section) -> bool:
    """True when a section's own blocks carry scenario labels (so it is a scenario, not a group)."""
    for block in section.blocks:
        label = label_of(block.inline) if block.kind in ("paragraph", "item") else None
        if label and phase_kind(label) in SCENARIO_SIGNS:
            return True
    return False


def _whole(document: Document, heading: Section | None) -> Part:
    front_title = document.front_matter.get("title")
    if heading is not None:
        title = clean_title(heading.title)
        sections = [heading]
        own = True
    else:
        sections = document.root.children or [document.root]
        first = document.root.children[0] if document.root.children else None
        title = clean_title(first.title) if first is not None and first.level == 1 else ""
        own = False
        if document.root.blocks:
            sections = [document.root, *document.root.children]
    if not title:
        title = str(front_title) if front_title else (clean_title(sections[0].title) if sections[0].title else "")
    kind: RunbookKind = "process" if title and is_process_title(title) and not looks_like_scenario(
        heading or document.root) else "scenario"
    return Part(title, kind, sections, own)
