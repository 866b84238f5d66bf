"""Process settings from the environment (prefix FIREBREAK_); the configuration file is separate."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    """Where the embedded SQLite database lives unless told otherwise."""
    return Path.cwd() / ".firebreak"


class Settings(BaseSettings):
    """Settings read from `FIREBREAK_*` environment variables."""

    model_config = SettingsConfigDict(env_prefix="FIREBREAK_", extra="ignore")

    database_url: str = Field(default="", description="SQLAlchemy URL; empty means SQLite in data_dir")
    data_dir: Path = Field(default_factory=default_data_dir)
    config: Path | None = Field(default=None, description="YAML configuration; default: bundled example")
    runbooks: Path | None = Field(default=None, description="Runbook folder imported at start")
    host: str = "127.0.0.1"
    port: int = 8080
    public_url: str = ""
    max_body_bytes: int = 1024 * 1024
    request_timeout_seconds: float = 30.0
    ingest_batch_max: int = 2000
    run_worker: bool = True
    log_format: str = Field(default="kv", description="Server log lines: kv (key=value) or json")
    log_level: str = Field(default="info", description="debug, info, warning or error")
    secret_key: str = ""
    # Security limits: per-integration ingest budgets — requests and alerts per second (0 = unlimited)
    # with their bursts, sized so one Alertmanager's worst storm (a request per alert group at
    # once, docs/security.md) is taken whole — failed sign-ins allowed per window, console
    # session lifetime, cookies only over HTTPS.
    ingest_rate_per_second: float = 500.0
    ingest_burst: int = 10_000
    ingest_alerts_per_second: float = 5_000.0
    ingest_alert_burst: int = 100_000
    login_max_failures: int = 5
    login_max_failures_per_client: int = 50
    login_window_seconds: int = 900
    session_hours: float = 12.0
    cookie_secure: bool = True
    # TLS terminated by `serve` itself (both files, PEM; SIGHUP reloads them), and the reverse
    # proxies whose X-Forwarded-For/-Proto are believed (comma-separated addresses or networks).
    tls_cert: Path | None = None
    tls_key: Path | None = None
    trusted_proxies: str = ""

    def resolved_database_url(self) -> str:
        """The database URL, defaulting to a SQLite file under data_dir."""
        if self.database_url:
            return normalise_database_url(self.database_url)
        return f"sqlite:///{self.data_dir / 'firebreak.db'}"

    def base_url(self) -> str:
        """The URL this server is reached at, for links in pages."""
        scheme = "https" if self.tls_cert else "http"
        return self.public_url.rstrip("/") or f"{scheme}://{self.host}:{self.port}"


def normalise_database_url(url: str) -> str:
    """Accept plain `postgresql://` URLs and use psycopg 3 for them."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url
