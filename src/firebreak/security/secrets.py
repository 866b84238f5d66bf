"""Secret references in configuration: `env:NAME` and `file:/path` are resolved, never stored."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from firebreak.kernel.errors import ConfigError

ENV_PREFIX = "env:"
FILE_PREFIX = "file:"
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
MAX_FILE_BYTES = 64 * 1024


def is_reference(value: str) -> bool:
    """True when `value` points at a secret instead of holding it."""
    return value.startswith((ENV_PREFIX, FILE_PREFIX))


def resolve_secret(value: str, *, environ: Mapping[str, str] | None = None, field: str | None = None) -> str:
    """The secret `value` stands for: `env:NAME` reads the environment, `file:/path` reads a file
    (one trailing newline dropped, as secret files usually end with one); anything else is literal.

    Errors name the reference and the field but never contain the secret itself.
    """
    where = f"{field}: " if field else ""
    if value.startswith(ENV_PREFIX):
        name = value[len(ENV_PREFIX):]
        if not ENV_NAME.fullmatch(name):
            raise ConfigError(f"{where}{value!r} is not a valid environment variable reference", field=field)
        env = os.environ if environ is None else environ
        if name not in env:
            raise ConfigError(f"{where}environment variable {name} is not set", field=field)
        if not env[name]:
            raise ConfigError(f"{where}environment variable {name} is empty", field=field)
        return env[name]
    if value.startswith(FILE_PREFIX):
        path = Path(value[len(FILE_PREFIX):])
        if not path.is_absolute():
            raise ConfigError(f"{where}secret file {str(path)!r} must be an absolute path", field=field)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise ConfigError(f"{where}secret file {path} is larger than {MAX_FILE_BYTES} bytes", field=field)
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise ConfigError(f"{where}secret file {path} does not exist", field=field) from exc
        except IsADirectoryError as exc:
            raise ConfigError(f"{where}secret file {path} is a directory", field=field) from exc
        except PermissionError as exc:
            raise ConfigError(f"{where}secret file {path} is not readable", field=field) from exc
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{where}secret file {path} is not UTF-8 text", field=field) from exc
        secret = text.removesuffix("\n").removesuffix("\r")
        if not secret:
            raise ConfigError(f"{where}secret file {path} is empty", field=field)
        return secret
    return value
