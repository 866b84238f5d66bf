"""Tokens, users and console sessions in storage (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from firebreak.db.models.security import ApiTokenRecord, UserRecord
from firebreak.kernel.errors import ConfigError, Conflict, InvalidInput, PermissionDenied, Unauthenticated
from firebreak.security import sessions, tokens, users
from firebreak.security.bootstrap import first_start
from firebreak.security.passwords import hash_password, needs_rehash, verify_password
from firebreak.security.roles import Principal, check_second_approver
from tests.support.accounts import FAST_HASHER, PASSWORD


def test_token_is_stored_only_as_hash_and_expires(session, clock) -> None:
    new = tokens.create_token(session, name="ci", role="viewer", now=clock.now(),
                              expires_at=clock.now() + timedelta(days=1))
    record = session.scalars(select(ApiTokenRecord).where(ApiTokenRecord.name == "ci")).one()
    assert new.secret.startswith("fbk_") and new.secret not in (record.token_hash, record.prefix)
    assert record.token_hash == tokens.hash_token(new.secret)
    assert tokens.authenticate(session, secret=new.secret, now=clock.now()).role == "viewer"
    assert record.last_used_at == clock.now()
    with pytest.raises(Unauthenticated, match="expired"):
        tokens.authenticate(session, secret=new.secret, now=clock.now() + timedelta(days=1))
    tokens.revoke_token(session, name="ci", now=clock.now())
    with pytest.raises(Unauthenticated, match="revoked"):
        tokens.authenticate(session, secret=new.secret, now=clock.now())
    with pytest.raises(Unauthenticated, match="unknown"):
        tokens.authenticate(session, secret=new.secret + "x", now=clock.now())


def test_token_validation(session, clock) -> None:
    now = clock.now()
    with pytest.raises(InvalidInput, match="unknown role"):
        tokens.create_token(session, name="x", role="root", now=now)
    with pytest.raises(InvalidInput, match="printable"):
        tokens.create_token(session, name="a\nb", role="viewer", now=now)
    with pytest.raises(InvalidInput, match="at least 16"):
        tokens.create_token(session, name="weak", role="admin", now=now, secret="short")
    with pytest.raises(InvalidInput, match="future"):
        tokens.create_token(session, name="past", role="admin", now=now, expires_at=now)
    tokens.create_token(session, name="dup", role="viewer", now=now)
    with pytest.raises(Conflict):
        tokens.create_token(session, name="dup", role="viewer", now=now)


def test_user_sign_in_and_password_change_ends_sessions(session, clock) -> None:
    now = clock.now()
    user = users.create_user(session, name="alice", role="responder", password=PASSWORD, now=now,
                             hasher=FAST_HASHER)
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    with pytest.raises(Unauthenticated, match="wrong user name or password"):
        users.sign_in(session, name="alice", password="wrong password!!", now=now, hasher=FAST_HASHER)
    with pytest.raises(Unauthenticated, match="wrong user name or password"):
        users.sign_in(session, name="nobody", password=PASSWORD, now=now, hasher=FAST_HASHER)
    signed = users.sign_in(session, name="alice", password=PASSWORD, now=now, hasher=FAST_HASHER)
    new = sessions.create_session(session, user=signed, now=now, lifetime=timedelta(hours=1), client="10.0.0.1")
    principal = sessions.authenticate_session(session, secret=new.secret, now=now)
    assert (principal.name, principal.role, principal.via) == ("alice", "responder", "session")
    with pytest.raises(Unauthenticated, match="expired"):
        sessions.authenticate_session(session, secret=new.secret, now=now + timedelta(hours=1))
    users.set_password(session, name="alice", password="another long password", now=now, hasher=FAST_HASHER)
    with pytest.raises(Unauthenticated, match="ended"):
        sessions.authenticate_session(session, secret=new.secret, now=now)
    users.sign_in(session, name="alice", password="another long password", now=now, hasher=FAST_HASHER)


def test_disabled_user_cannot_sign_in_or_use_sessions(session, clock) -> None:
    now = clock.now()
    user = users.create_user(session, name="bob", role="viewer", password=PASSWORD, now=now, hasher=FAST_HASHER)
    new = sessions.create_session(session, user=user, now=now, lifetime=timedelta(hours=1), client=None)
    users.disable_user(session, name="bob", now=now)
    with pytest.raises(Unauthenticated):
        sessions.authenticate_session(session, secret=new.secret, now=now)
    with pytest.raises(Unauthenticated, match="disabled"):
        users.sign_in(session, name="bob", password=PASSWORD, now=now, hasher=FAST_HASHER)
    users.enable_user(session, name="bob")
    users.sign_in(session, name="bob", password=PASSWORD, now=now, hasher=FAST_HASHER)


def test_user_validation(session, clock) -> None:
    now = clock.now()
    with pytest.raises(InvalidInput, match="at least 12"):
        users.create_user(session, name="c", role="viewer", password="short", now=now, hasher=FAST_HASHER)
    with pytest.raises(InvalidInput, match="unknown user role"):
        users.create_user(session, name="c", role="ingest", password=PASSWORD, now=now, hasher=FAST_HASHER)
    users.create_user(session, name="c", role="viewer", password=PASSWORD, now=now, hasher=FAST_HASHER)
    with pytest.raises(Conflict):
        users.create_user(session, name="c", role="viewer", password=PASSWORD, now=now, hasher=FAST_HASHER)


def test_weak_stored_hash_is_upgraded_at_sign_in(session, clock) -> None:
    from argon2 import PasswordHasher
    stronger = PasswordHasher(time_cost=2, memory_cost=1024, parallelism=1)
    users.create_user(session, name="d", role="viewer", password=PASSWORD, now=clock.now(), hasher=FAST_HASHER)
    users.sign_in(session, name="d", password=PASSWORD, now=clock.now(), hasher=stronger)
    stored = session.scalars(select(UserRecord.password_hash).where(UserRecord.name == "d")).one()
    assert not needs_rehash(stored, hasher=stronger) and verify_password(stored, PASSWORD, hasher=stronger)


def test_malformed_hash_and_overlong_password_never_raise() -> None:
    assert verify_password("not-a-hash", PASSWORD, hasher=FAST_HASHER) is False
    good = hash_password(PASSWORD, hasher=FAST_HASHER)
    assert verify_password(good, "x" * 5000, hasher=FAST_HASHER) is False


def test_first_start_creates_user_token_and_key_once(session, clock, tmp_path) -> None:
    secret_file = tmp_path / "admin-password"
    secret_file.write_text("from a secret file\n")
    environ = {"FIREBREAK_ADMIN_TOKEN": "env:MY_ADMIN_TOKEN", "MY_ADMIN_TOKEN": "fbk_" + "a" * 40,
               "FIREBREAK_ADMIN_PASSWORD": f"file:{secret_file}"}
    first = first_start(session, now=clock.now(), environ=environ, hasher=FAST_HASHER)
    assert first is not None
    assert first.admin_token == "fbk_" + "a" * 40 and first.ingest_key.startswith("fbi_")
    assert (first.admin_user, first.admin_password) == ("admin", "from a secret file")
    assert tokens.authenticate(session, secret=first.ingest_key, now=clock.now()).role == "ingest"
    users.sign_in(session, name="admin", password="from a secret file", now=clock.now(), hasher=FAST_HASHER)
    assert first_start(session, now=clock.now(), environ={}, hasher=FAST_HASHER) is None


def test_first_start_generates_when_nothing_is_given(session, clock) -> None:
    first = first_start(session, now=clock.now(), environ={}, hasher=FAST_HASHER)
    assert first is not None and first.admin_password and len(first.admin_password) >= 12
    users.sign_in(session, name="admin", password=first.admin_password, now=clock.now(), hasher=FAST_HASHER)


def test_first_start_names_the_bad_variable(session, clock) -> None:
    with pytest.raises(ConfigError, match="FIREBREAK_ADMIN_PASSWORD: the password must be at least"):
        first_start(session, now=clock.now(), environ={"FIREBREAK_ADMIN_PASSWORD": "short"}, hasher=FAST_HASHER)
    with pytest.raises(ConfigError, match="environment variable NOPE is not set"):
        first_start(session, now=clock.now(), environ={"FIREBREAK_INGEST_KEY": "env:NOPE"}, hasher=FAST_HASHER)


def test_second_approver_rule() -> None:
    alice = Principal(name="alice", role="responder")
    check_second_approver(Principal(name="bob", role="responder"), requested_by="alice")
    check_second_approver(Principal(name="root", role="admin"), requested_by="alice")
    with pytest.raises(PermissionDenied, match="second responder"):
        check_second_approver(alice, requested_by="alice")
    with pytest.raises(PermissionDenied, match="may not approve"):
        check_second_approver(Principal(name="v", role="viewer"), requested_by="alice")
    with pytest.raises(PermissionDenied, match="may not approve"):
        check_second_approver(Principal(name="k", role="ingest"), requested_by="alice")
