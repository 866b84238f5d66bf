"""Only the edges (the HTTP app, the CLI) and the composition root import web or CLI frameworks or the edges."""

from __future__ import annotations

import ast
from pathlib import Path

import firebreak

SOURCE = Path(firebreak.__file__).parent
EDGES = ("http", "cli")
ROOT = ("runtime.py",)
FORBIDDEN = ("fastapi", "starlette", "uvicorn", "typer", "firebreak.http", "firebreak.cli")


def imported(tree: ast.AST) -> list[tuple[int, str]]:
    """Every module a file imports (absolute names), with its line."""
    names: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names += [(node.lineno, node.module)] + [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return names


def is_forbidden(name: str) -> bool:
    return any(name == banned or name.startswith(banned + ".") for banned in FORBIDDEN)


def outside_the_edges() -> list[Path]:
    files = []
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(SOURCE)
        if relative.parts[0] in EDGES or str(relative) in ROOT:
            continue
        files.append(path)
    return files


def test_no_module_outside_the_edges_imports_an_edge() -> None:
    files = outside_the_edges()
    assert any(p.relative_to(SOURCE).parts[0] == "runbook" for p in files)  # the walk sees the stages
    found = [f"{path.relative_to(SOURCE)}:{line} imports {name}"
             for path in files for line, name in imported(ast.parse(path.read_text(), str(path)))
             if is_forbidden(name)]
    assert found == []


def test_the_check_sees_a_stage_importing_an_edge() -> None:
    tree = ast.parse("import uvicorn\nfrom firebreak.http.app import create_app\nfrom fastapi import FastAPI\n"
                     "import firebreak.cli.main\nfrom firebreak import http\n")
    assert [name for _line, name in imported(tree) if is_forbidden(name)] == [
        "uvicorn", "firebreak.http.app", "firebreak.http.app.create_app", "fastapi", "fastapi.FastAPI",
        "firebreak.cli.main", "firebreak.http"]
