"""Migrate: the import report — what was carried over, and each thing that was not (or only nearly), with why."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

FindingKind = Literal["unmapped", "approximated", "action", "note"]
HEADINGS: dict[FindingKind, str] = {
    "unmapped": "Not imported",
    "approximated": "Imported with a difference",
    "action": "To do by hand",
    "note": "Notes",
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing the import could not carry over exactly: `subject` names the vendor object, `item` the part."""

    kind: FindingKind
    subject: str
    item: str
    reason: str


@dataclass
class Report:
    """Counts of what was imported, and every finding, in the order they were made."""

    vendor: str
    imported: Counter[str] = field(default_factory=Counter)
    findings: list[Finding] = field(default_factory=list)

    def count(self, what: str, number: int = 1) -> None:
        self.imported[what] += number

    def add(self, kind: FindingKind, subject: str, item: str, reason: str) -> None:
        finding = Finding(kind, subject, item, reason)
        if finding not in self.findings:
            self.findings.append(finding)

    def of(self, kind: FindingKind) -> list[Finding]:
        return [finding for finding in self.findings if finding.kind == kind]

    def to_markdown(self) -> str:
        """The report as Markdown: counts first, then one list per kind of finding."""
        lines = [f"# Import from {self.vendor}", ""]
        counted = ", ".join(f"{number} {what}" for what, number in sorted(self.imported.items())) or "nothing"
        lines += [f"Imported: {counted}.", ""]
        for kind, heading in HEADINGS.items():
            found = self.of(kind)
            if not found:
                continue
            lines += [f"## {heading} ({len(found)})", ""]
            lines += [f"- **{f.subject}** — {f.item}: {f.reason}" for f in found]
            lines.append("")
        return "\n".join(lines)

    def to_json(self) -> dict[str, object]:
        return {"vendor": self.vendor, "imported": dict(sorted(self.imported.items())),
                "findings": [{"kind": f.kind, "subject": f.subject, "item": f.item, "reason": f.reason}
                             for f in self.findings]}
