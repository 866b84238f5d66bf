"""Redaction: every credential shape is masked, ordinary text survives, and masking is idempotent."""

from __future__ import annotations

import pytest

from firebreak.kernel.redact import MASK, is_secret_key, redact, redact_value

SECRETS = [
    ("postgresql://fire:s3cr3t-pw@db.internal:5432/app", "s3cr3t-pw", "postgresql://fire:"),
    ("redis://:hunter2hunter2@cache:6379/0", "hunter2hunter2", "redis://:"),
    ("Authorization: Bearer fbk_0123456789abcdefghijklmnop", "fbk_0123456789abcdefghijklmnop", "Authorization: Bearer"),
    ("authorization: Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA==", "authorization: Basic"),
    ("curl -H 'Authorization: token ghp_abcdefghijklmnopqrstuvwxyz0123456789'", "ghp_abcdefghij", "curl -H"),
    ("PGPASSWORD=pg-pass-123 psql -h db -U app", "pg-pass-123", "psql -h db -U app"),
    ("host=db port=5432 password=libpq-secret dbname=app", "libpq-secret", "host=db port=5432"),
    ('{"user": "bob", "password": "json-secret"}', "json-secret", '"user": "bob"'),
    ("db_password: yaml-secret\nhost: db", "yaml-secret", "host: db"),
    ("mysql --password=cli-secret --user=root", "cli-secret", "--user=root"),
    ("vault login --token s.AbCdEf123456", "s.AbCdEf123456", "vault login"),
    ("https://api.example.com/v1?api_key=query-secret&page=2", "query-secret", "page=2"),
    ("export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG", "wJalrXUtnFEMI", "export"),
    ("key id AKIAIOSFODNN7EXAMPLE in use", "AKIAIOSFODNN7EXAMPLE", "in use"),
    ("slack token xoxb-1234567890-abcdefghij", "xoxb-1234567890", "slack token"),
    ("notify slack://T1234/B5678/abcdefXYZ please", "T1234/B5678", "please"),
    ("https://hooks.slack.com/services/T000/B000/XXXXXXXX", "T000/B000", "https://hooks.slack.com/services/"),
    ("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlLXZhbHVl done", "eyJzdWIiOiIxMjM0In0", "done"),
    ("ingest key fbi_AAAAAAAAAAAAAAAAAAAAAAAAAAAA", "fbi_AAAA", "ingest key"),
    ("-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----", "MIIEow", ""),
]


@pytest.mark.parametrize(("text", "secret", "kept"), SECRETS)
def test_secret_is_masked_and_context_kept(text: str, secret: str, kept: str) -> None:
    out = redact(text)
    assert secret not in out
    assert MASK in out
    assert kept in out
    assert redact(out) == out


@pytest.mark.parametrize("text", [
    "the basic idea is to restart the pod",
    "unknown token",
    "max_tokens: 500",
    "kubectl rollout restart deployment/api-gateway -n scorpius",
    "connect to postgresql://db.internal:5432/app",
    "missing bearer token (Authorization: Bearer <token>)",
    "token expired",
])
def test_ordinary_text_is_untouched(text: str) -> None:
    assert redact(text) == text


def test_known_literal_secrets_are_masked() -> None:
    assert redact("the value is plain-looking-secret ok", known=["plain-looking-secret"]) == \
        f"the value is {MASK} ok"
    assert redact("short abc", known=["abc"]) == "short abc"  # too short to mask safely


def test_quoted_values_keep_their_quotes_so_json_stays_valid() -> None:
    import json
    text = json.dumps({"password": "x y z", "n": 1})
    assert json.loads(redact(text)) == {"password": MASK, "n": 1}


def test_redact_value_walks_structures_and_masks_secret_keys() -> None:
    value = {"routing_key": "R0123456789", "labels": {"service": "api", "api_key": 1234},
             "notes": ["dsn postgresql://a:b-secret@h/d", {"client_secret": "cs"}], "token_count": 3,
             "enabled": True, "password": ""}
    out = redact_value(value)
    assert out == {"routing_key": MASK, "labels": {"service": "api", "api_key": MASK},
                   "notes": [f"dsn postgresql://a:{MASK}@h/d", {"client_secret": MASK}], "token_count": 3,
                   "enabled": True, "password": ""}
    assert value["routing_key"] == "R0123456789"  # the input is not modified


@pytest.mark.parametrize(("key", "secret"), [
    ("password", True), ("DB_PASSWORD", True), ("api-key", True), ("auth_token", True), ("Authorization", True),
    ("routing_key", True), ("client.secret", True), ("token", True),
    ("token_id", False), ("tokens", False), ("service", False), ("passenger", False), ("secretary_name", False),
])
def test_secret_key_names(key: str, secret: bool) -> None:
    assert is_secret_key(key) is secret
