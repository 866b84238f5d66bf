"""Review: a review as one document — Markdown, or standalone HTML (pure).

Prompts never reach an exported document. HTML is rendered from the Markdown with raw HTML
disabled, so whatever a section says is shown as text, never run as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from jinja2 import Environment
from markdown_it import MarkdownIt

from firebreak.review.template import SECTIONS, without_prompts

_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")
_PAGE = Environment(autoescape=True).from_string("""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>
<style>body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.45}
table{border-collapse:collapse}th,td{border:1px solid #bbb;padding:.25rem .5rem;text-align:left}
code{background:#f3f3f3;padding:0 .2rem}</style></head>
<body><article class="review">{{ body | safe }}</article></body></html>""")


@dataclass(frozen=True, slots=True)
class Heading:
    """What the document's first lines say about the incident and the review."""

    incident_id: int
    title: str
    severity: str | None
    status: str
    version: int
    opened_at: datetime | None


def markdown_document(heading: Heading, sections: dict[str, str]) -> str:
    """The review as one Markdown document, section by section in template order."""
    date = heading.opened_at.strftime("%Y-%m-%d") if heading.opened_at else "-"
    lines = [f"# Post-incident review: #{heading.incident_id} {heading.title}", "",
             f"**Date:** {date} · **Severity:** {heading.severity or 'unset'} · "
             f"**Review:** {heading.status}, version {heading.version}", ""]
    for section in SECTIONS:
        text = without_prompts(sections.get(section.key, ""))
        lines += [f"## {section.heading}", "", text or "_Not written yet._", ""]
    return "\n".join(lines)


def html_fragment(markdown: str) -> str:
    """Markdown rendered as HTML (raw HTML in it is shown as text)."""
    return _MARKDOWN.render(markdown)


def html_document(heading: Heading, sections: dict[str, str]) -> str:
    """The review as a standalone HTML page."""
    # The body is markdown-it's output with raw HTML disabled: every text in it is escaped already.
    body = html_fragment(markdown_document(heading, sections))
    return _PAGE.render(title=f"Post-incident review: #{heading.incident_id} {heading.title}", body=body)
