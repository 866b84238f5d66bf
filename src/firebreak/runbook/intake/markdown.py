"""Markdown reading for import: markdown-it tokens to a section tree that keeps line numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from firebreak.runbook.intake.text import clean_heading, leading_symbol, repair

BlockKind = Literal["paragraph", "item", "fence", "table"]
BARE_URL = re.compile(r"https?://[^\s<>`'\")\]]+")
_PARSER = MarkdownIt("commonmark").enable("table")
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Inline:
    """Rendered inline content: plain text, a leading bold label, code spans and links."""

    text: str = ""
    label: str | None = None
    rest: str = ""
    code: list[tuple[str, int]] = field(default_factory=list)
    links: list[tuple[str, str, int]] = field(default_factory=list)


@dataclass
class Block:
    """A paragraph, list item, table or fenced code block, with its 1-based line."""

    kind: BlockKind
    line: int
    inline: Inline = field(default_factory=Inline)
    depth: int = 0
    info: str = ""
    content: str = ""
    checked: bool | None = None

    @property
    def text(self) -> str:
        return self.inline.text


@dataclass
class Section:
    """A heading and what follows it up to the next heading of the same or a higher level."""

    level: int
    raw_title: str
    title: str
    line: int
    symbol: str = ""
    code_names: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)
    end_line: int = 0

    def walk(self) -> list[Section]:
        """This section and all below it, in document order."""
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out


@dataclass
class Document:
    """One Markdown file: its repaired text, front matter and section tree."""

    path: str
    text: str
    front_matter: dict[str, Any]
    root: Section
    line_count: int


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Hugo/Jekyll `---` front matter as a dict, and the text with those lines blanked."""
    if not text.startswith("---"):
        return {}, text
    lines = text.split("\n")
    for end in range(1, min(len(lines), 200)):
        if lines[end].strip() in ("---", "..."):
            try:
                data = yaml.load("\n".join(lines[1:end]), Loader=SAFE_LOADER) or {}  # noqa: S506 - C safe loader
            except yaml.YAMLError:
                data = {}
            blanked = [""] * (end + 1) + lines[end + 1:]
            return (data if isinstance(data, dict) else {}), "\n".join(blanked)
    return {}, text


def render_inline(token: Token, first_line: int) -> Inline:
    """Plain text of an inline token with its bold label, code spans and links located by line."""
    parts: list[str] = []
    out = Inline()
    line = first_line
    strong_depth = 0
    label_parts: list[str] | None = None
    label_done = False
    href: str | None = None
    link_text: list[str] = []
    for child in token.children or []:
        kind = child.type
        piece = ""
        if kind in ("softbreak", "hardbreak"):
            line += 1
            piece = " "
        elif kind == "text":
            piece = child.content
        elif kind == "code_inline":
            piece = child.content
            out.code.append((child.content, line))
        elif kind == "strong_open":
            strong_depth += 1
            if not label_done and label_parts is None and not "".join(parts).strip():
                label_parts = []
            continue
        elif kind == "strong_close":
            strong_depth -= 1
            if label_parts is not None and not label_done and strong_depth == 0:
                label_done = True
                out.label = "".join(label_parts).strip()
                parts.append("\x00")
            continue
        elif kind == "link_open":
            href = str(child.attrs.get("href", ""))
            link_text = []
            continue
        elif kind == "link_close":
            if href:
                out.links.append(("".join(link_text).strip(), href, line))
            href = None
            continue
        elif kind == "image":
            piece = child.content
        elif kind == "html_inline":
            continue
        if href is not None:
            link_text.append(piece)
        if label_parts is not None and not label_done:
            label_parts.append(piece)
        parts.append(piece)
    joined = "".join(parts)
    head, marker, tail = joined.partition("\x00")
    out.text = (head + tail).strip() if marker else joined.strip()
    if out.label is not None:
        out.rest = tail.strip()
    seen = {url for _, url, _ in out.links}
    for match in BARE_URL.finditer(out.text):
        url = match.group(0).rstrip(".,;:")
        if url not in seen:
            out.links.append((url, url, first_line))
            seen.add(url)
    return out


def label_of(inline: Inline) -> str | None:
    """The bold lead-in of a paragraph when it works as a sub-heading (`**Symptoms:**`)."""
    if inline.label is None:
        return None
    label = inline.label.strip()
    rest = inline.rest
    if label.endswith(":") or rest.startswith(":") or not rest or rest.startswith("("):
        cleaned = clean_heading(label)
        return cleaned or None
    return None


def parse_document(path: str, raw: str) -> Document:
    """Parse one Markdown file into a section tree; every block keeps its source line."""
    text = repair(raw.replace("\r\n", "\n").replace("\r", "\n"))
    front, body = split_front_matter(text)
    tokens = _PARSER.parse(body)
    root = Section(level=0, raw_title="", title="", line=1)
    stack = [root]
    depth = 0
    pending_item: tuple[int, bool | None] | None = None
    index = 0
    while index < len(tokens):
        token = tokens[index]
        kind = token.type
        line = (token.map[0] + 1) if token.map else 0
        if kind == "heading_open":
            inline = tokens[index + 1]
            level = int(token.tag[1])
            rendered = render_inline(inline, line)
            section = Section(level=level, raw_title=inline.content, title=clean_heading(rendered.text),
                              line=line, symbol=leading_symbol(rendered.text),
                              code_names=[code for code, _ in rendered.code])
            while stack[-1].level >= level:
                stack.pop().end_line = line - 1
            stack[-1].children.append(section)
            stack.append(section)
            index += 3
            continue
        current = stack[-1]
        if kind in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif kind == "list_item_open":
            pending_item = (line, None)
        elif kind == "paragraph_open":
            inline = render_inline(tokens[index + 1], line)
            if pending_item is not None:
                checked = None
                match = re.match(r"^\[([ xX])\]\s+", inline.text)
                if match:
                    checked = match.group(1) != " "
                    inline.text = inline.text[match.end():]
                current.blocks.append(Block("item", line, inline, depth=depth, checked=checked))
                pending_item = None
            else:
                current.blocks.append(Block("paragraph", line, inline, depth=depth))
            index += 3
            continue
        elif kind in ("fence", "code_block"):
            if pending_item is not None:
                current.blocks.append(Block("item", pending_item[0], Inline(), depth=depth))
                pending_item = None
            current.blocks.append(Block("fence", line, depth=depth, info=token.info.strip(),
                                        content=token.content))
        elif kind == "table_open":
            cells: list[str] = []
            inner = index + 1
            while tokens[inner].type != "table_close":
                if tokens[inner].type == "inline":
                    cells.append(tokens[inner].content)
                inner += 1
            rendered = Inline(text=" | ".join(cells))
            rendered.links = [(m.group(0), m.group(0), line) for m in BARE_URL.finditer(rendered.text)]
            current.blocks.append(Block("table", line, rendered, depth=depth))
            index = inner
        index += 1
    last = text.count("\n") + 1
    while stack:
        stack.pop().end_line = last
    return Document(path=path, text=text, front_matter=front, root=root, line_count=last)
