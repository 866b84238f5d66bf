"""The secrets a configuration holds, so redaction masks them wherever they would be printed.

Walks the whole configuration, so sections added later are covered: the values behind `env:NAME`
and `file:/path` references (of an address only its credential parts), and the credential parts of
every address written in it (DSNs, webhooks, chat tokens).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from firebreak.config.models import Config
from firebreak.kernel.errors import ConfigError
from firebreak.kernel.redact import address_secrets
from firebreak.security.secrets import is_reference, resolve_secret


def strings_of(value: Any) -> Iterator[str]:
    """Every string in a JSON-like value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from strings_of(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings_of(item)


def held_secrets(config: Config, environ: Mapping[str, str]) -> set[str]:
    """Resolved references and the credential parts of addresses found anywhere in `config`."""
    found: set[str] = set()
    for text in strings_of(config.model_dump(mode="json")):
        if is_reference(text):
            try:
                secret = resolve_secret(text, environ=environ)
            except ConfigError:
                continue  # unavailable now; whoever needs it reports that, without the value
            # An address (a DSN, a webhook) is shown with its credentials masked, so only those
            # are remembered; any other referenced value is a secret as a whole.
            found |= address_secrets(secret) if "://" in secret else {secret}
        elif "://" in text:
            found |= address_secrets(text)
    return found
