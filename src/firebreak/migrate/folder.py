"""Migrate: read a folder of vendor JSON files (API answers saved as they came) into a bundle.

Each vendor's `classify` says which objects a document holds; a file holding none of that vendor's
objects is skipped and named in the report. Calendar files (`*.ics`) are kept by name for the
schedules that point at them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from firebreak.kernel.errors import ConfigError
from firebreak.migrate.bundle import Bundle, VendorObject

Classify = Callable[[Any], list[tuple[str, VendorObject]]]


def read_folder(paths: Path | Sequence[Path], classify: Classify, vendor: str) -> Bundle:
    """Every `*.json` in each folder (sorted by name) or each file given; ConfigError naming a bad file."""
    files: list[Path] = []
    for path in [paths] if isinstance(paths, Path) else paths:
        if path.is_dir():
            files += sorted(path.iterdir())
        elif path.is_file():
            files.append(path)
        else:
            raise ConfigError(f"{path}: no such folder or file", file=str(path))
    bundle = Bundle()
    for file in files:
        if file.suffix.lower() == ".ics":
            bundle.extra[file.name] = read_text(file)
        if file.suffix.lower() != ".json":
            continue
        try:
            document = json.loads(read_text(file))
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{file}:{exc.lineno}: not valid JSON: {exc.msg}", file=str(file),
                              line=exc.lineno) from exc
        found = classify(document)
        if not found:
            bundle.skipped.append((file.name, f"holds no {vendor} configuration object"))
        for kind, item in found:
            bundle.add(kind, item, file.name)
    return bundle


def read_text(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: cannot read: {exc}", file=str(file)) from exc
