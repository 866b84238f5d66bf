"""Secrets planted in settings, configuration and alerts, for tests that prove none is printed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from tests.payloads import am_alert

# One distinct string per place a secret can be planted.
DB_PASSWORD = "PlantedDbPass4e1"  # the database URL setting (PostgreSQL; a SQLite URL has none)
SECRET_KEY = "PlantedSecretKey7c"  # FIREBREAK_SECRET_KEY
CONFIG_PASSWORD = "PlantedConfigPass3a"  # a literal DSN in the configuration
ENV_PASSWORD = "PlantedEnvPass8b"  # the value of an env: reference
FILE_SECRET = "PlantedFileSecret2d"  # the content of a file: reference
HOOK_TOKEN = "PlantedHookToken6f"  # an apprise URL whose path is the credential
BOT_TOKEN = "PlantedBotToken9e"  # a chat bot token in a contact address
LABEL_SECRET = "PlantedLabelPass5c"  # an alert label
ANNOTATION_SECRET = "PlantedAnnotPass1b"  # an alert annotation
QUERY_SECRET = "PlantedQueryTok0a"  # a credential in a request's query string
SECRETS = (DB_PASSWORD, SECRET_KEY, CONFIG_PASSWORD, ENV_PASSWORD, FILE_SECRET, HOOK_TOKEN, BOT_TOKEN,
           LABEL_SECRET, ANNOTATION_SECRET, QUERY_SECRET)
ENV_NAME = "FIREBREAK_PLANTED_DSN"

CONFIG = """\
severity_scale: sev1-sev4
notifications: {max_attempts: 1}
teams:
  - {name: ops, escalation_policy: ops-default, members: [ana], chat_channel: "json://hooks.example.com/%(hook)s"}
users:
  - name: Ana
    handle: ana
    contact:
      - {via: "json://127.0.0.1:9/%(hook)s"}
      - {via: "log://"}
      - {via: "tgram://123456789:%(bot)s/987654321", after: 30m}
services:
  - name: billing
    team: ops
    runbook_vars:
      database_url: "postgresql://app:%(config_pw)s@db.internal:5432/billing"
      cache_url: "redis://:%(config_pw)s@cache.internal:6379/0"
      pg_dsn: env:%(env)s
      api_token: file:%(file)s
schedules:
  - {name: ops-primary, time_zone: UTC, rotations: [{users: [ana], every: 1w, handoff: "Mon 09:00"}]}
escalation_policies:
  - {name: ops-default, levels: [{notify: ["schedule:ops-primary"], wait: 5m}]}
routes:
  - {name: billing, match: {service: billing}}
"""


def leaks(text: str) -> list[str]:
    """The planted secrets found in `text`."""
    return [secret for secret in SECRETS if secret in text]


def write_config(folder: Path) -> Path:
    secret_file = folder / "api-token"
    secret_file.write_text(FILE_SECRET + "\n")
    path = folder / "firebreak.yaml"
    path.write_text(CONFIG % {"hook": HOOK_TOKEN, "bot": BOT_TOKEN, "config_pw": CONFIG_PASSWORD, "env": ENV_NAME,
                              "file": secret_file})
    return path


def with_password(url: str) -> str:
    """`url` with the planted password, where the database takes one (PostgreSQL here trusts any)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return url
    return parsed.set(password=DB_PASSWORD).render_as_string(hide_password=False)


def planted_alert() -> dict[str, Any]:
    """An Alertmanager alert for the planted service with secrets in its labels and annotations."""
    alert = am_alert("PlantedSecretProbe", service="billing", severity="critical")
    alert["labels"]["db_password"] = LABEL_SECRET
    alert["labels"]["dsn"] = f"postgresql://app:{LABEL_SECRET}@db/app"
    alert["annotations"]["description"] = f"connect with redis://:{ANNOTATION_SECRET}@cache:6379 to check"
    alert["annotations"]["summary"] = f"login failed for password={ANNOTATION_SECRET}"
    return alert
