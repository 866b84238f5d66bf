"""Configuration as code: the one YAML file declaring services, teams, people, severity, routing,
muting, escalation and the targets runbook steps run on — validated whole, with errors that name file,
line and field, and reloaded whole or not at all."""

from firebreak.config.loader import default_config_path, load_config, parse_config
from firebreak.config.models import Config
from firebreak.kernel.errors import ConfigError

__all__ = ["Config", "ConfigError", "default_config_path", "load_config", "parse_config"]
