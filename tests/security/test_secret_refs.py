"""Secret references: env: and file: resolve; errors name the reference, never the secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from firebreak.kernel.errors import ConfigError
from firebreak.security.secrets import is_reference, resolve_secret


def test_literal_values_pass_through() -> None:
    assert resolve_secret("plain") == "plain"
    assert not is_reference("plain") and is_reference("env:X") and is_reference("file:/x")


def test_env_reference() -> None:
    assert resolve_secret("env:PG_DSN", environ={"PG_DSN": "postgresql://u:p@h/d"}) == "postgresql://u:p@h/d"


def test_env_reference_reads_the_process_environment(monkeypatch) -> None:
    monkeypatch.setenv("FIREBREAK_TEST_SECRET_REF", "from-env")
    assert resolve_secret("env:FIREBREAK_TEST_SECRET_REF") == "from-env"


@pytest.mark.parametrize(("value", "environ", "message"), [
    ("env:MISSING", {}, "environment variable MISSING is not set"),
    ("env:EMPTY", {"EMPTY": ""}, "environment variable EMPTY is empty"),
    ("env:bad name", {}, "not a valid environment variable reference"),
])
def test_env_errors(value: str, environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        resolve_secret(value, environ=environ, field="runbook_vars.pg_dsn")
    assert info.value.field == "runbook_vars.pg_dsn"
    assert info.value.detail.startswith("runbook_vars.pg_dsn: ")


def test_file_reference_drops_one_trailing_newline(tmp_path: Path) -> None:
    path = tmp_path / "secret"
    path.write_text("s3cret value\n")
    assert resolve_secret(f"file:{path}") == "s3cret value"
    path.write_text("two\n\n")
    assert resolve_secret(f"file:{path}") == "two\n"


def test_file_errors_never_include_the_content(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        resolve_secret(f"file:{tmp_path / 'nope'}")
    with pytest.raises(ConfigError, match="must be an absolute path"):
        resolve_secret("file:relative/secret")
    with pytest.raises(ConfigError, match="is a directory"):
        resolve_secret(f"file:{tmp_path}")
    empty = tmp_path / "empty"
    empty.write_text("\n")
    with pytest.raises(ConfigError, match="is empty"):
        resolve_secret(f"file:{empty}")
    big = tmp_path / "big"
    big.write_text("x" * 70_000)
    with pytest.raises(ConfigError, match="larger than") as info:
        resolve_secret(f"file:{big}")
    assert "xxxx" not in info.value.detail


def test_service_runbook_variables_resolve_env_and_file_references(tmp_path: Path) -> None:
    from firebreak.config.teams import ServiceSpec
    secret_file = tmp_path / "dsn"
    secret_file.write_text("postgresql://app:from-file@db/app\n")
    spec = ServiceSpec(name="api", team="platform", runbook_vars={
        "namespace": "scorpius", "pg_dsn": f"file:{secret_file}", "redis_url": "env:REDIS_URL",
        "missing": "env:NOT_SET_ANYWHERE", "gone": f"file:{tmp_path / 'nope'}"})
    assert spec.runbook_values({"REDIS_URL": "redis://:pw@cache:6379"}) == {
        "namespace": "scorpius", "pg_dsn": "postgresql://app:from-file@db/app", "redis_url": "redis://:pw@cache:6379",
        "missing": None, "gone": None}
