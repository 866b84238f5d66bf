"""Path safety (pure checks, then resolution): user-supplied names never leave their base folder."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path, PurePosixPath

from firebreak.kernel.errors import InvalidInput

_DRIVE = re.compile(r"^[A-Za-z]:")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
MAX_PATH = 1024


def check_relative(user_path: str, *, field: str = "path") -> PurePosixPath:
    """`user_path` as a clean relative POSIX path, or InvalidInput saying what is wrong with it."""
    if not isinstance(user_path, str) or not user_path.strip():
        raise InvalidInput("the path is empty", field=field)
    if len(user_path) > MAX_PATH:
        raise InvalidInput(f"the path is longer than {MAX_PATH} characters", field=field)
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in user_path):
        raise InvalidInput("the path contains control characters", field=field)
    if "\\" in user_path:
        raise InvalidInput("the path contains a backslash; use '/' between folders", field=field)
    if user_path.startswith("/") or _DRIVE.match(user_path):
        raise InvalidInput(f"the path {user_path!r} is absolute; a path relative to the folder is expected",
                           field=field)
    parts = PurePosixPath(user_path).parts
    if ".." in parts:
        raise InvalidInput(f"the path {user_path!r} climbs out of its folder with '..'", field=field)
    return PurePosixPath(*[p for p in parts if p != "."])


def safe_join(base: str | Path, user_path: str, *, field: str = "path") -> Path:
    """`base/user_path`, resolved, refusing anything that would land outside `base`
    (absolute paths, `..`, control characters, and symbolic links pointing elsewhere)."""
    relative = check_relative(user_path, field=field)
    root = Path(base).resolve()
    candidate = (root / relative).resolve()
    if candidate != root and not candidate.is_relative_to(root):
        raise InvalidInput(f"the path {user_path!r} leads outside its folder", field=field)
    return candidate


def safe_filename(name: str, *, default: str = "download", max_length: int = 120) -> str:
    """A file name safe for disk and for a Content-Disposition header: ASCII letters, digits, `._-`,
    never hidden, never empty."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    cleaned = _UNSAFE_NAME.sub("-", ascii_name).strip(".-")[:max_length].strip(".-")
    return cleaned or default
