"""`firebreak token`, `firebreak user` and `firebreak audit` against the database."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from firebreak.cli.main import app
from firebreak.db.models.security import AuditEntryRecord
from firebreak.db.session import transaction
from firebreak.security import audit, tokens, users
from firebreak.security.audit import AuditEvent


@pytest.fixture
def cli(db_url, monkeypatch, tmp_path) -> CliRunner:
    monkeypatch.setenv("FIREBREAK_DATABASE_URL", db_url)
    monkeypatch.setenv("FIREBREAK_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("FIREBREAK_SERVER", raising=False)
    return CliRunner()


def run(cli: CliRunner, *args: str, input: str | None = None) -> str:
    result = cli.invoke(app, list(args), input=input)
    assert result.exit_code == 0, result.output
    return result.output


def test_token_create_prints_once_list_never_and_revoke_works(cli, runtime) -> None:
    out = run(cli, "token", "create", "--name", "ci-bot", "--role", "responder", "--expires-in-days", "7")
    secret = out.strip().splitlines()[-1]
    assert secret.startswith("fbk_")
    with runtime.session_factory() as s:
        assert tokens.authenticate(s, secret=secret, now=runtime.clock.now()).role == "responder"
    listing = run(cli, "token", "list")
    assert "ci-bot" in listing and secret not in listing and secret[:8] in listing
    run(cli, "token", "revoke", "ci-bot")
    with runtime.session_factory() as s, pytest.raises(Exception, match="revoked"):
        tokens.authenticate(s, secret=secret, now=runtime.clock.now())
    bad = cli.invoke(app, ["token", "create", "--name", "x", "--role", "root"])
    assert bad.exit_code == 1 and "unknown role 'root'" in bad.output and "Traceback" not in bad.output


def test_user_create_with_stdin_password_disable_and_list(cli, runtime) -> None:
    run(cli, "user", "create", "--name", "alice", "--role", "responder", "--password-stdin",
        input="a long enough password\n")
    with runtime.session_factory() as s:
        record = users.get_user(s, name="alice")
        assert record.role == "responder" and record.password_hash.startswith("$argon2id$")
    out = run(cli, "user", "create", "--name", "bob", "--role", "viewer")
    generated = out.strip().splitlines()[-1]
    assert len(generated) >= 12
    listing = run(cli, "user", "list")
    assert "alice" in listing and "bob" in listing and "argon2" not in listing
    run(cli, "user", "disable", "alice")
    assert "alice" in run(cli, "user", "list")
    with runtime.session_factory() as s:
        assert users.get_user(s, name="alice").disabled_at is not None
    short = cli.invoke(app, ["user", "password", "bob", "--password-stdin"], input="short\n")
    assert short.exit_code == 1 and "at least 12 characters" in short.output


def test_audit_verify_and_list(cli, runtime, clock) -> None:
    assert "intact: 0 entries" in run(cli, "audit", "verify")
    for n in range(3):
        with transaction(runtime.session_factory) as s:
            audit.append(s, AuditEvent(at=clock.now(), actor=f"user{n}", role="admin", via="token", method="POST",
                                       path="/api/v1/tokens", action="POST /api/v1/tokens", status=201,
                                       request_id=f"r{n}", client="10.1.1.1"))
    assert "intact: 3 entries" in run(cli, "audit", "verify")
    listing = run(cli, "audit", "list", "--limit", "2")
    assert "user2" in listing and "user1" in listing and "user0" not in listing
    with runtime.session_factory.begin() as s:
        s.execute(update(AuditEntryRecord).where(AuditEntryRecord.seq == 2).values(client="198.51.100.7"))
    result = cli.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1 and "entry 2" in result.output and "edited" in result.output
