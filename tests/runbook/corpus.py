"""Paths to the seed runbooks and the public corpus, parsed once per test process."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from firebreak.runbook.intake.importer import import_paths
from firebreak.runbook.model import Runbook

SHARED = Path("/work/shared")
SEEDS = SHARED / "seeds"
CORPUS = SHARED / "corpus" / "runbooks"
PROMETHEUS_OPERATOR = CORPUS / "prometheus-operator__runbooks" / "content" / "runbooks"
OPENSHIFT = CORPUS / "openshift__runbooks" / "alerts"
GITLAB = CORPUS / "mattrussi__gitlab-com-runbooks" / "docs"
PROMETHEUS_OPERATOR_URL = "https://runbooks.prometheus-operator.dev/runbooks"
OPENSHIFT_URL = "https://github.com/openshift/runbooks/blob/master/alerts"
SEED_FILES = {path.name[:3]: path for path in sorted(SEEDS.glob("*.txt"))}


@cache
def seed_runbooks() -> tuple[Runbook, ...]:
    return tuple(import_paths([SEEDS]))


def seed(number: str) -> list[Runbook]:
    return [r for r in seed_runbooks() if r.source_path.endswith(SEED_FILES[number].name)]


def by_title(number: str, title: str) -> Runbook:
    return next(r for r in seed(number) if r.title == title)


@cache
def collections() -> tuple[Runbook, ...]:
    """The seeds, plus both alert collections imported with the URL they are published at."""
    return (*seed_runbooks(), *import_paths([PROMETHEUS_OPERATOR], base_url=PROMETHEUS_OPERATOR_URL),
            *import_paths([OPENSHIFT], base_url=OPENSHIFT_URL))
