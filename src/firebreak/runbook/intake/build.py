"""Building one runbook from its sections: phases, steps, commands, alerts, symptoms, links, checklists."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from firebreak.runbook.commands.classify import classify_command
from firebreak.runbook.commands.placeholders import find_placeholders
from firebreak.runbook.intake.dates import ReviewDates
from firebreak.runbook.intake.markdown import Block, Section, label_of
from firebreak.runbook.intake.sections import phase_kind, severity_from_label
from firebreak.runbook.intake.text import is_identifier_name
from firebreak.runbook.intake.units import Unit, block_units, inline_unit
from firebreak.runbook.model import ChecklistItem, Command, Link, Phase, Runbook, RunbookKind, Step

ALERT_LINE = re.compile(r"^\s*alerts?\s*(?:name)?\s*[:=]\s*(.+)", re.I)
ALERTNAME = re.compile(r"\balertname\s*(?:=~?|:)\s*[\"']?([A-Za-z_][A-Za-z0-9_:]*)")
SYMPTOM_LINE = re.compile(r"^\s*symptoms?\s*:\s*(.+)", re.I)


@dataclass(frozen=True)
class Identity:
    """Where a runbook comes from and what it is called."""

    title: str
    slug: str
    kind: RunbookKind
    source_path: str
    line: int
    end_line: int
    severity_hint: str | None = None
    collection: str | None = None
    url: str | None = None
    alert_names: tuple[str, ...] = ()


@dataclass
class _Draft:
    phases: list[Phase] = field(default_factory=list)
    commands: list[Command] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    checklists: list[ChecklistItem] = field(default_factory=list)
    symptoms: list[str] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)
    severity: str | None = None

    @property
    def phase(self) -> Phase | None:
        return self.phases[-1] if self.phases else None

    def open_phase(self, name: str, kind: str, line: int) -> None:
        if self.severity is None:
            self.severity = severity_from_label(name)
        self.phases.append(Phase(name=name, kind=kind, line=line, steps=[]))

    def step(self, text: str, line: int) -> None:
        if not text:
            return
        if self.phase is None:
            self.open_phase("", "overview", line)
        assert self.phase is not None
        self.phase.steps.append(Step(text=text, line=line))
        if self.phase.kind == "symptoms":
            self.symptoms.append(text)
        match = SYMPTOM_LINE.match(text)
        if match and self.phase.kind != "symptoms":
            self.symptoms.append(match.group(1).strip())

    def context(self) -> str:
        phase = self.phase
        if phase is None:
            return ""
        return phase.steps[-1].text if phase.steps else phase.name

    def command(self, unit: Unit) -> None:
        if self.phase is None:
            self.open_phase("", "overview", unit.line)
        cls, reason = classify_command(unit.text, unit.language)
        phase = self.phase
        self.commands.append(Command(
            text=unit.text, language=unit.language, cls=cls, reason=reason,  # type: ignore[arg-type]
            placeholders=find_placeholders(unit.text, unit.language), line=unit.line,
            phase=phase.name if phase and phase.name else None,
            comment=unit.comment or self.context(), fence=unit.fence))

    def alert_names_from(self, block: Block) -> None:
        match = ALERT_LINE.match(block.text)
        if match:
            names = [code for code, _ in block.inline.code if is_identifier_name(code) or "_" in code]
            if not names:
                names = [w for w in re.findall(r"[A-Za-z][A-Za-z0-9_]+", match.group(1)) if is_identifier_name(w)]
            for name in names:
                if name not in self.alerts:
                    self.alerts.append(name)
        for text in (block.text, block.content):
            for found in ALERTNAME.findall(text):
                if found not in self.alerts:
                    self.alerts.append(found)


def build_runbook(identity: Identity, sections: list[Section], *, own_heading: bool,
                  dates: ReviewDates) -> Runbook:
    """A runbook from `sections` (the first is its own heading unless `own_heading` is False)."""
    draft = _Draft(alerts=list(identity.alert_names))
    for index, section in enumerate(sections):
        heading = own_heading and index == 0
        _visit(draft, section, inherited=None, is_root=heading)
    return Runbook(
        title=identity.title, slug=identity.slug, kind=identity.kind, source_path=identity.source_path,
        line=identity.line, severity_hint=identity.severity_hint or draft.severity, alert_names=draft.alerts,
        symptoms=draft.symptoms, phases=[p for p in draft.phases if p.steps or p.name],
        commands=draft.commands, links=draft.links, checklists=draft.checklists,
        last_updated=dates.last_updated, next_review=dates.next_review, collection=identity.collection,
        url=identity.url, end_line=identity.end_line, review_line=dates.next_review_line)


def _visit(draft: _Draft, section: Section, inherited: str | None, is_root: bool) -> None:
    if not is_root and section.level > 0:
        kind = phase_kind(section.title)
        if kind == "other" and inherited:
            kind = inherited
        draft.open_phase(section.title, kind, section.line)
        inherited = kind if kind != "other" else inherited
    heading_kind = inherited
    for block in section.blocks:
        _block(draft, block, heading_kind)
    for child in section.children:
        _visit(draft, child, heading_kind, False)


def _block(draft: _Draft, block: Block, heading_kind: str | None) -> None:
    for text, url, line in block.inline.links:
        draft.links.append(Link(text=text, url=url, line=line))
    if block.kind == "fence":
        units = block_units(block.info, block.content, block.line)
        for unit in units:
            draft.command(unit)
        if not units:
            notes = [line.strip().lstrip("#-").strip() for line in block.content.splitlines()
                     if line.strip().startswith(("#", "--")) and not line.strip().startswith("#!")]
            draft.step(" ".join(n for n in notes if n), block.line + 1)
        draft.alert_names_from(block)
        return
    if block.kind == "table":
        return
    label = label_of(block.inline)
    if label and (block.kind == "paragraph" or phase_kind(label) != "other"):
        kind = phase_kind(label)
        draft.open_phase(label, heading_kind if kind == "other" and heading_kind else kind, block.line)
        draft.step(block.inline.rest.lstrip(":").strip(), block.line)
    else:
        draft.step(block.text, block.line)
        if block.checked is not None and block.text:
            draft.checklists.append(ChecklistItem(text=block.text, checked=block.checked, line=block.line))
    draft.alert_names_from(block)
    for code, line in block.inline.code:
        unit = inline_unit(code, line, block.text)
        if unit is not None:
            draft.command(unit)
