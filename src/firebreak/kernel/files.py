"""Kernel: files only their owner may read — the data folder, the SQLite database, key files.

Modes are set explicitly after creation, so they do not depend on the process's umask.
Only what Firebreak creates is changed; an existing folder or file keeps the mode it has.
"""

from __future__ import annotations

import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Create `path` and any missing parents owner-only (0700); an existing folder is left as it is."""
    missing: list[Path] = []
    current = Path(path)
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue  # another process made it first; it decided the mode
        folder.chmod(DIR_MODE)
    return path


def private_file(path: Path) -> bool:
    """Create an empty file at `path` owner-only (0600) unless it exists; True when it was created."""
    return write_private(path, b"")


def write_private(path: Path, data: bytes) -> bool:
    """Write `data` to a new owner-only file; False (nothing written) when the file already exists."""
    private_dir(Path(path).parent)
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    except FileExistsError:
        return False
    try:
        os.fchmod(descriptor, FILE_MODE)
        os.write(descriptor, data)
    finally:
        os.close(descriptor)
    return True
