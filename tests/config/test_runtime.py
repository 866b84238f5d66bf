"""Reloading: a good file replaces the configuration whole; a broken one is refused and the old stays."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from firebreak.config import Config, ConfigError
from firebreak.config.runtime import ConfigHolder

GOOD = "teams:\n  - name: platform\nservices:\n  - {name: api, team: platform}\n"
BETTER = GOOD + "  - {name: web, team: platform}\n"
BROKEN = "teams:\n  - name: platform\nservices:\n  - {name: api, team: ghost}\n"


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "firebreak.yaml"
    path.write_text(GOOD, encoding="utf-8")
    return path


def service_names(config: Config) -> list[str]:
    return [service.name for service in config.services]


def test_reload_swaps_the_configuration(config_file: Path) -> None:
    holder = ConfigHolder(config_file)
    seen: list[Config] = []
    holder.on_reload(seen.append)
    config_file.write_text(BETTER, encoding="utf-8")
    fresh = holder.reload()
    assert service_names(holder.current) == ["api", "web"]
    assert seen == [fresh] and holder.generation == 2 and holder.last_error is None


def test_broken_file_is_refused_and_old_configuration_stays(config_file: Path) -> None:
    holder = ConfigHolder(config_file)
    before = holder.current
    config_file.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        holder.reload()
    assert caught.value.line == 4 and caught.value.field == "services[0].team"
    assert holder.current is before and holder.generation == 1
    assert holder.last_error is caught.value
    config_file.write_text(BETTER, encoding="utf-8")
    holder.reload()
    assert service_names(holder.current) == ["api", "web"] and holder.last_error is None


def test_a_broken_file_never_starts(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(ConfigError):
        ConfigHolder(path)


@pytest.fixture
def restore_sighup() -> Iterator[None]:
    previous = signal.getsignal(signal.SIGHUP)
    yield
    signal.signal(signal.SIGHUP, previous)


def test_sighup_reloads(config_file: Path, restore_sighup: None) -> None:
    holder = ConfigHolder(config_file)
    holder.install_sighup()
    config_file.write_text(BETTER, encoding="utf-8")
    os.kill(os.getpid(), signal.SIGHUP)
    assert service_names(holder.current) == ["api", "web"]
    config_file.write_text(BROKEN, encoding="utf-8")
    os.kill(os.getpid(), signal.SIGHUP)  # refused and logged, not raised into the process
    assert service_names(holder.current) == ["api", "web"]
    assert holder.last_error is not None and holder.last_error.field == "services[0].team"
