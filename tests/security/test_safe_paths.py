"""Path safety: user paths stay inside their base folder whatever they try."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from firebreak.kernel.errors import InvalidInput
from firebreak.security.paths import safe_filename, safe_join


def test_plain_relative_paths_resolve_inside(tmp_path: Path) -> None:
    assert safe_join(tmp_path, "db/postgres-connections.md") == tmp_path.resolve() / "db/postgres-connections.md"
    assert safe_join(tmp_path, "./a/./b.md") == tmp_path.resolve() / "a/b.md"


@pytest.mark.parametrize(("user_path", "why"), [
    ("../etc/passwd", "climbs out"),
    ("a/../../etc/passwd", "climbs out"),
    ("/etc/passwd", "absolute"),
    ("C:/Windows/win.ini", "absolute"),
    ("..\\..\\win.ini", "backslash"),
    ("a\x00.md", "control characters"),
    ("a\n.md", "control characters"),
    ("", "empty"),
    ("   ", "empty"),
    ("x" * 2000, "longer than"),
])
def test_hostile_paths_are_refused_with_a_reason(tmp_path: Path, user_path: str, why: str) -> None:
    with pytest.raises(InvalidInput, match=why) as info:
        safe_join(tmp_path, user_path, field="source_path")
    assert info.value.field == "source_path"


def test_symlink_pointing_outside_is_refused(tmp_path: Path) -> None:
    base = tmp_path / "runbooks"
    base.mkdir()
    outside = tmp_path / "secret.txt"
    outside.write_text("x")
    os.symlink(outside, base / "link.md")
    os.symlink(tmp_path, base / "up")
    with pytest.raises(InvalidInput, match="leads outside"):
        safe_join(base, "link.md")
    with pytest.raises(InvalidInput, match="leads outside"):
        safe_join(base, "up/secret.txt")


def test_symlink_inside_is_allowed(tmp_path: Path) -> None:
    (tmp_path / "real.md").write_text("x")
    os.symlink(tmp_path / "real.md", tmp_path / "alias.md")
    assert safe_join(tmp_path, "alias.md") == (tmp_path / "real.md").resolve()


@pytest.mark.parametrize(("name", "expected"), [
    ("Database connections.md", "Database-connections.md"),
    ("../../etc/passwd", "etc-passwd"),
    ("x\r\nSet-Cookie: a=b", "x-Set-Cookie-a-b"),
    (".hidden", "hidden"),
    ("Ünïcödé", "Unicode"),
    ("", "download"),
    ("...", "download"),
])
def test_safe_filename(name: str, expected: str) -> None:
    assert safe_filename(name) == expected
