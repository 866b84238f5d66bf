"""Load the configuration file: YAML in, a complete Config out, or a ConfigError naming file, line
and field. Nothing is half-loaded: any problem rejects the whole file.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from firebreak.config.models import Config
from firebreak.config.yaml_source import YamlDocument, parse_yaml
from firebreak.kernel.errors import ConfigError

_FIELD_PART = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")


def default_config_path() -> Path:
    """The example configuration shipped with Firebreak."""
    return Path(str(resources.files("firebreak") / "examples" / "config.yaml"))


def field_path(loc: tuple[Any, ...]) -> str:
    """`("routes", 0, "match")` as `routes[0].match`, leaving out pydantic's internal loc tags."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and _FIELD_PART.match(part):
            out += f".{part}" if out else part
    return out or "(top level)"


def _message(error: Any) -> str:
    kind = error.get("type")
    loc = error.get("loc", ())
    if kind == "extra_forbidden":
        return f"unknown field {loc[-1]!r}" if loc else "unknown field"
    if kind == "missing":
        return "required field is missing"
    message = str(error.get("msg", "invalid value"))
    return message.removeprefix("Value error, ")


def _from_validation(exc: ValidationError, document: YamlDocument, file: str) -> ConfigError:
    entries: list[tuple[int, str, str]] = []
    for error in exc.errors():
        loc = tuple(error.get("loc", ()))
        line = document.line_of(loc) or 0
        entries.append((line, field_path(loc), _message(error)))
    entries.sort(key=lambda entry: entry[0])
    line, field, _ = entries[0]
    detail = "\n".join(f"{file}:{ln or '?'}: {fld}: {msg}" for ln, fld, msg in entries)
    return ConfigError(detail, file=file, line=line or None, field=field)


def parse_config(text: str, *, file: str = "<config>") -> Config:
    """Validate configuration text; `file` is used in error messages."""
    document = parse_yaml(text, file=file)
    if not isinstance(document.data, dict):
        raise ConfigError(f"{file}:1: the configuration must be a mapping of sections", file=file, line=1)
    try:
        return Config.model_validate(document.data)
    except ValidationError as exc:
        raise _from_validation(exc, document, file) from exc


def load_config(path: str | Path) -> Config:
    """Read and validate the configuration at `path`."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: cannot read configuration: {exc}", file=file) from exc
    return parse_config(text, file=file)
