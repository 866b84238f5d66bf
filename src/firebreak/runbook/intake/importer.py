"""Import: read Markdown runbook files or folders as they are and turn them into runbooks (no storage)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from firebreak.kernel.errors import InvalidInput
from firebreak.runbook.intake.build import Identity, build_runbook
from firebreak.runbook.intake.dates import review_dates
from firebreak.runbook.intake.markdown import Document, parse_document
from firebreak.runbook.intake.split import Part, split_document
from firebreak.runbook.intake.text import is_identifier_name, slugify, split_words
from firebreak.runbook.model import Runbook

EXTENSIONS = (".md", ".markdown", ".mdown", ".mkd", ".txt")
INDEX_NAMES = frozenset({"readme", "index", "_index"})
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Source:
    """One Markdown document to import: where it is shown from, its path inside the collection, its text."""

    source_path: str
    relative_path: str
    text: str


def collect(paths: Iterable[str | Path]) -> list[tuple[Path, str]]:
    """Files to import with their path relative to the folder given (or their name), sorted."""
    found: list[tuple[Path, str]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for file in sorted(path.rglob("*")):
                relative = file.relative_to(path)
                if file.is_file() and file.suffix.lower() in EXTENSIONS \
                        and not any(part.startswith(".") for part in relative.parts):
                    found.append((file, relative.as_posix()))
        elif path.is_file():
            found.append((path, path.name))
        else:
            raise InvalidInput(f"{path}: no such file or folder", field="paths")
    return found


def read_text(path: Path) -> str:
    """A file's text: UTF-8, or Windows-1252 for files saved by older editors."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot be read ({exc.strerror})", field="paths") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def import_paths(paths: Sequence[str | Path], *, base_url: str | None = None,
                 progress: Progress | None = None) -> list[Runbook]:
    """Parse every Markdown file under `paths` into runbooks; `base_url` is where the folder is published."""
    files = collect(paths)
    sources = (Source(str(path), relative, read_text(path)) for path, relative in files)
    return import_sources(sources, base_url=base_url, progress=progress, total=len(files))


def import_sources(sources: Iterable[Source], *, base_url: str | None = None, progress: Progress | None = None,
                   total: int = 0) -> list[Runbook]:
    """Parse documents already in memory (an upload) into runbooks."""
    runbooks: list[Runbook] = []
    seen: dict[str, str] = {}
    for index, source in enumerate(sources, start=1):
        for runbook in import_document(source, base_url=base_url):
            if runbook.slug in seen:
                raise InvalidInput(f"{source.source_path}:{runbook.line}: slug {runbook.slug!r} is also used by "
                                   f"{seen[runbook.slug]}", field="paths")
            seen[runbook.slug] = f"{runbook.source_path}:{runbook.line}"
            runbooks.append(runbook)
        if progress is not None:
            progress(index, total, source.source_path)
    return runbooks


def import_document(source: Source, *, base_url: str | None = None) -> list[Runbook]:
    """The runbooks of one document."""
    document = parse_document(source.source_path, source.text)
    parts = split_document(document)
    dates = review_dates(document.text, document.front_matter)
    relative = PurePosixPath(source.relative_path.replace("\\", "/"))
    base = "/".join(slugify(part) for part in relative.with_suffix("").parts) or "runbook"
    collection = base_url.rstrip("/") if base_url else None
    out: list[Runbook] = []
    used: set[str] = set()
    for part in parts:
        if not part.sections:
            continue
        many = len(parts) > 1
        slug = f"{base}/{slugify(re.sub(r'[(][^)]*[)]', ' ', part.title).strip() or part.title)}" if many else base
        while slug in used:
            slug = f"{slug}-{part.sections[0].line}"
        used.add(slug)
        url = None
        if collection:
            url = f"{collection}/{relative.as_posix()}"
            if many:
                url += "#" + anchor(part.anchor_title or part.title)
        first = part.sections[0]
        identity = Identity(
            title=part.title or relative.stem, slug=slug, kind=_kind(part, relative, many),
            source_path=source.source_path, line=max(first.line, 1), end_line=part.sections[-1].end_line,
            severity_hint=part.severity_hint, collection=collection, url=url,
            alert_names=tuple(_file_alerts(document, part, relative)) if not many else ())
        out.append(build_runbook(identity, part.sections, own_heading=part.own_heading, dates=dates))
    return [r if r.line else replace(r, line=1) for r in out]


def _kind(part: Part, relative: PurePosixPath, many: bool) -> str:
    if not many and relative.stem.lower() in INDEX_NAMES:
        return "process"
    return part.kind


def _file_alerts(document: Document, part: Part, relative: PurePosixPath) -> list[str]:
    """Alert names a one-runbook file declares by its title, file name or front matter."""
    names: list[str] = []
    front = document.front_matter
    for key in ("alert", "alertname", "alert_name", "alerts"):
        value = front.get(key)
        values = value if isinstance(value, list) else [value] if value else []
        names.extend(str(v) for v in values)
    title = part.title.strip()
    stem = relative.stem
    if (title and title == stem and re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", title)) \
            or (is_identifier_name(title) and len(split_words(title)) >= 3):
        names.append(title)
    if is_identifier_name(stem) and len(split_words(stem)) >= 2:
        names.append(stem)
    out: list[str] = []
    for name in names:
        if name not in out:
            out.append(name)
    return out


def anchor(heading: str) -> str:
    """The fragment GitHub gives a heading (`## 🚨 High Error Rate` → `-high-error-rate`)."""
    text = heading.strip().lower()
    text = "".join(c for c in text if c.isalnum() or c in " -_")
    return text.replace(" ", "-")
