"""The README and docs name only routes the app serves, with the methods they name."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from starlette.routing import BaseRoute, Match

from firebreak.config.models import Config
from firebreak.http.app import create_app
from firebreak.kernel.settings import Settings
from firebreak.runtime import Runtime

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCED = re.compile(r"^```.*?^```", re.S | re.M)  # code blocks: commands, not claims about routes
# Inline code: a run of backticks closed by a run of the same length, as Markdown pairs them.
CODE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
# A span that is `GET /path`, `GET/POST /path` or a bare `/path`.
MENTION = re.compile(r"((?:[A-Z]+/)*[A-Z]+ )?(/[A-Za-z0-9_.{}…/-]+)")
FOREIGN = {"/api/v2/alerts"}  # Alertmanager's own API, named in the performance notes


def mentions() -> list[tuple[str, str | None, str]]:
    """(document, method or None for a bare path, path) for every route a document names."""
    found: list[tuple[str, str | None, str]] = []
    for document in DOCUMENTS:
        prose = FENCED.sub("", document.read_text(encoding="utf-8"))
        for _ticks, span in CODE.findall(prose):
            mention = MENTION.fullmatch(span.strip())
            if mention is None or mention.group(2) in FOREIGN:
                continue
            methods, path = mention.group(1) or "", mention.group(2)
            for method in (methods.strip().split("/") if methods else [None]):
                found.append((document.name, method, path))
    return found


def concrete(path: str) -> str:
    """A documented path with its placeholders filled, as a request would carry it."""
    return re.sub(r"\{[^}]+\}|…", "1", path).split("?")[0]


def test_the_documents_name_routes() -> None:
    assert {path for _doc, _method, path in mentions()} >= {"/healthz", "/v2/enqueue", "/api/v1/alerts/alertmanager",
                                                            "/ack/{token}"}


@pytest.fixture(scope="module")
def routes(sqlite_template: Path, example_config: Config, tmp_path_factory: pytest.TempPathFactory) -> list[BaseRoute]:
    """The app's routes (routing needs no database, so one SQLite runtime serves every case)."""
    data = tmp_path_factory.mktemp("documented-routes")
    shutil.copy(sqlite_template, data / "firebreak.db")
    runtime = Runtime(Settings(database_url=f"sqlite:///{data / 'firebreak.db'}", data_dir=data, run_worker=False),
                      initial_config=example_config)
    try:
        return list(create_app(runtime, background=False).routes)
    finally:
        runtime.close()


@pytest.mark.parametrize(("document", "method", "path"), mentions())
def test_every_documented_route_exists(routes: list[BaseRoute], document: str, method: str | None,
                                       path: str) -> None:
    assert served(routes, method, path), f"{document} names {method or ''} {path}, which the app does not serve"


def test_pages_that_do_not_exist_are_not_served(routes: list[BaseRoute]) -> None:
    """No status page yet: the check above would notice a document claiming one."""
    for path in ("/status", "/console"):
        assert not served(routes, None, path)
    assert not served(routes, "DELETE", "/healthz") and served(routes, "GET", "/healthz")


def served(routes: list[BaseRoute], method: str | None, path: str) -> bool:
    scope = {"type": "http", "path": concrete(path), "method": method or "GET", "root_path": ""}
    matches = {route.matches(scope)[0] for route in routes}
    wanted = {Match.FULL} if method else {Match.FULL, Match.PARTIAL}  # a bare path may name any method
    return bool(matches & wanted)
