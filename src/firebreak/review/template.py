"""Review: the post-incident review template — its sections, in order, with the prompt each starts with (pure).

The sections are those of the seeds' post-mortem and post-incident review templates. A prompt is
kept as an HTML comment (`<!-- prompt: … -->`) in the section's Markdown: it guides whoever edits
the review and never shows in the exported document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Section:
    """One section of a review: its key (in the API), heading and prompt."""

    key: str
    heading: str
    prompt: str


SECTIONS: tuple[Section, ...] = (
    Section("summary", "Summary", "What happened, to whom, and how it ended, in two or three sentences."),
    Section("severity", "Severity", "Was the severity right? Say so if it should have been higher or lower."),
    Section("duration", "Duration", "From the first sign of the problem to its resolution."),
    Section("response", "Response times", "Which deadline was missed, and why?"),
    Section("timeline", "Timeline", "Mark the key events on the incident's timeline to choose the rows shown here."),
    Section("impact", "Impact", "Who was affected and how: failed requests, customers who reported it, money."),
    Section("root_cause", "Root cause", "Why did it happen? Keep asking why until the answer is something to change."),
    Section("resolution", "Resolution", "What stopped the impact, and what made it stay stopped?"),
    Section("went_well", "What went well", "What helped: detection, tools, people, runbooks."),
    Section("went_wrong", "What went wrong", "What slowed the response or made the impact worse?"),
    Section("action_items", "Action items", "What will prevent it or shorten it next time? Add action items with "
            "an owner and a due date."),
    Section("lessons", "Lessons learned", "What does the team know now that it did not know before?"),
)
KEYS: tuple[str, ...] = tuple(section.key for section in SECTIONS)
BY_KEY: dict[str, Section] = {section.key: section for section in SECTIONS}
# A review is complete only when these say more than their prompt.
REQUIRED: tuple[str, ...] = ("summary", "root_cause", "resolution")

_PROMPT = re.compile(r"<!--\s*prompt:.*?-->\s*", re.DOTALL)


def prompt_comment(key: str) -> str:
    """The prompt of a section as the comment its Markdown carries."""
    return f"<!-- prompt: {BY_KEY[key].prompt} -->"


def without_prompts(text: str) -> str:
    """A section's Markdown with its prompt comments taken out."""
    return _PROMPT.sub("", text).strip()


def has_content(text: str) -> bool:
    """True when a section says something beyond its prompt."""
    return bool(without_prompts(text))


def missing_for_completion(sections: dict[str, str]) -> list[str]:
    """The headings of required sections that still hold only their prompt."""
    return [BY_KEY[key].heading for key in REQUIRED if not has_content(sections.get(key, ""))]
