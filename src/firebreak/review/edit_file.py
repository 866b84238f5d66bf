"""Review: a review as one Markdown file to edit in `$EDITOR`, and that file read back into sections (pure).

Each section starts at a line `## <Heading>` naming one of the template's headings; everything up
to the next such line is its text (other `##` lines are the section's own). Problems name the
file and the line.
"""

from __future__ import annotations

from collections.abc import Mapping

from firebreak.kernel.errors import InvalidInput
from firebreak.review.template import SECTIONS

_BY_HEADING = {section.heading: section.key for section in SECTIONS}


def edit_text(incident_id: int, version: int, sections: Mapping[str, str]) -> str:
    """The review laid out for editing: a comment saying how, then each section under its heading."""
    lines = [f"<!-- The post-incident review of incident {incident_id}, version {version}. Edit the text under each",
             "     '## ' heading and keep the headings; comments starting 'prompt:' are hints and never exported. -->",
             ""]
    for section in SECTIONS:
        lines += [f"## {section.heading}", "", str(sections.get(section.key, "")).strip(), ""]
    return "\n".join(lines)


def read_edit_text(text: str, *, name: str) -> dict[str, str]:
    """The sections of an edited file (only those it contains); InvalidInput naming `name:line` otherwise."""
    found: dict[str, list[str]] = {}
    current: str | None = None
    in_comment = False
    for number, line in enumerate(text.splitlines(), start=1):
        heading = line[3:].strip() if line.startswith("## ") else None
        if heading in _BY_HEADING:
            current = _BY_HEADING[heading]
            if current in found:
                raise InvalidInput(f"{name}:{number}: section {heading!r} appears twice", field="sections")
            found[current] = []
            continue
        if current is None:
            stripped = line.strip()
            in_comment = in_comment or stripped.startswith("<!--")
            if stripped and not in_comment:
                raise InvalidInput(f"{name}:{number}: text before the first section heading "
                                   f"(headings are {', '.join('## ' + h for h in _BY_HEADING)})", field="sections")
            if "-->" in stripped:
                in_comment = False
            continue
        found[current].append(line)
    if not found:
        raise InvalidInput(f"{name}:1: no section heading found; keep the '## ' headings of the review",
                           field="sections")
    return {key: "\n".join(lines).strip() for key, lines in found.items()}
