"""Console tests: one live Firebreak per module on the bundled example configuration, and the browser."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from firebreak.config.models import Config
from firebreak.runtime import Runtime
from tests.support.browser import Site, chromium, running_site, site_settings

__all__ = ["chromium"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path, example_config: Config) -> Iterator[Site]:
    """Firebreak over HTTP on SQLite with its worker running, as `firebreak serve` runs it."""
    data = tmp_path_factory.mktemp("console-site")
    shutil.copy(sqlite_template, data / "firebreak.db")
    settings = site_settings(data_dir=data, database_url=f"sqlite:///{data / 'firebreak.db'}")
    runtime = Runtime(settings, initial_config=example_config)
    try:
        with running_site(runtime) as live:
            yield live
    finally:
        runtime.close()
