"""How the HTTP edge listens: TLS termination with certificates reloaded on SIGHUP, and which peers'
forwarded headers (X-Forwarded-For / X-Forwarded-Proto) are believed.

TLS: one `ssl.SSLContext` serves every connection; a reload runs `load_cert_chain` on it again,
so new handshakes get the new certificate while the listener and open connections stay. A
certificate that fails to load is logged and the previous one kept.

Forwarded headers are believed only from the configured proxies (IP addresses or networks); with
none configured they are ignored, so no client can claim another address or scheme.
"""

from __future__ import annotations

import ipaddress
import logging
import signal
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import uvicorn

from firebreak.kernel.errors import ConfigError

log = logging.getLogger(__name__)


@dataclass
class Certificates:
    """A server certificate and key, loaded into one context that reloads in place."""

    cert: Path
    key: Path
    context: ssl.SSLContext = field(init=False)

    def __post_init__(self) -> None:
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.minimum_version = ssl.TLSVersion.TLSv1_2
        self.load()

    def load(self) -> None:
        """Load the files into the context; ConfigError naming the file when they cannot be used."""
        for path in (self.cert, self.key):
            if not path.is_file():
                raise ConfigError(f"TLS file {path} does not exist or is not a file", file=str(path))
        try:
            self.context.load_cert_chain(certfile=str(self.cert), keyfile=str(self.key))
        except (ssl.SSLError, OSError) as exc:
            raise ConfigError(f"cannot use TLS certificate {self.cert} with key {self.key}: {exc}",
                              file=str(self.cert)) from exc

    def reload(self) -> bool:
        """Load the files again; on failure log why and keep serving the previous certificate."""
        try:
            self.load()
        except ConfigError as exc:
            log.error("TLS certificate reload refused, keeping the previous one: %s", exc.detail)
            return False
        log.info("TLS certificate reloaded from %s", self.cert)
        return True

    def install_sighup(self) -> None:
        """Reload on SIGHUP too, after whatever SIGHUP already did (main thread only)."""
        previous = signal.getsignal(signal.SIGHUP)

        def on_sighup(signum: int, frame: FrameType | None) -> None:
            if callable(previous):
                previous(signum, frame)
            self.reload()

        signal.signal(signal.SIGHUP, on_sighup)


def tls_from(cert: Path | None, key: Path | None) -> Certificates | None:
    """Certificates when both files are given, None when neither; ConfigError for only one."""
    if cert is None and key is None:
        return None
    if cert is None or key is None:
        missing = "--tls-cert (FIREBREAK_TLS_CERT)" if cert is None else "--tls-key (FIREBREAK_TLS_KEY)"
        raise ConfigError(f"TLS needs both a certificate and its key: {missing} is missing")
    return Certificates(cert=cert, key=key)


def trusted_proxies(values: Sequence[str]) -> list[str]:
    """The proxies whose forwarded headers are believed, each an IP address or network."""
    out: list[str] = []
    for raw in values:
        for item in (part.strip() for part in raw.split(",")):
            if not item:
                continue
            try:
                out.append(str(ipaddress.ip_network(item, strict=False)) if "/" in item
                           else str(ipaddress.ip_address(item)))
            except ValueError as exc:
                raise ConfigError(f"trusted proxy {item!r} is not an IP address or network "
                                  "(e.g. 10.0.0.5 or 10.0.0.0/24)") from exc
    return out


def server_config(app: Any, *, host: str, port: int, tls: Certificates | None, proxies: Sequence[str],
                  **options: Any) -> uvicorn.Config:
    """The uvicorn configuration: our TLS context and our proxy trust, nothing ambient."""
    config = uvicorn.Config(app, host=host, port=port, proxy_headers=bool(proxies),
                            forwarded_allow_ips=list(proxies), **options)
    config.load()
    if tls is not None:
        config.ssl = tls.context
    return config
