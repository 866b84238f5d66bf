"""Execute: runbook execution for one process — service variables and targets from the configuration
(their `env:`/`file:` references read here, when a step is prepared or run), the runner, and the
diagnostics handler, which the composition root subscribes to IncidentOpened."""

from __future__ import annotations

import os
from collections.abc import Mapping

from sqlalchemy.orm import Session, sessionmaker

from firebreak.config.runtime import ConfigHolder
from firebreak.config.targets import TargetSpec
from firebreak.kernel.clock import Clock
from firebreak.kernel.errors import ConfigError
from firebreak.runbook.execute.diagnostics import Diagnostics
from firebreak.runbook.execute.executor import Executor, Limits
from firebreak.runbook.execute.local import LocalProcessExecutor
from firebreak.runbook.execute.runner import StepRunner
from firebreak.runbook.execute.steps import ServiceVars, StepSettings
from firebreak.runbook.execute.targets import Target, connection_secrets
from firebreak.security.secrets import is_reference, resolve_secret

SWITCH = "diagnostics"
# Tools fall back to their built-in defaults (kubectl: 127.0.0.1:8080) when these name nothing.
PATH_VARIABLES = ("KUBECONFIG", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "CLOUDSDK_CONFIG",
                  "AZURE_CONFIG_DIR")
OFF = frozenset({"off", "false", "no", "0"})


def resolve_target(spec: TargetSpec, environ: Mapping[str, str]) -> Target:
    """A declared target with its references read; each one that cannot be read is named in `unset`."""
    unset: list[str] = []
    secrets: list[str] = []

    def read(raw: str, what: str, secret: bool = True) -> str | None:
        if not is_reference(raw):
            return raw
        try:
            value = resolve_secret(raw, environ=environ)
        except ConfigError as exc:
            unset.append(f"{what} reads {raw}: {str(exc).split(': ', 1)[-1]}")
            return None
        if secret:
            secrets.append(value)
        return value

    connection = read(spec.connection, "dsn" if spec.kind == "postgres" else "url", secret=False) \
        if spec.connection else None
    if connection is not None:
        secrets.extend(connection_secrets(spec.kind, connection))  # its password, literal or not
    env = {key: read(raw, f"env {key}") for key, raw in spec.env.items()}
    for key in PATH_VARIABLES:
        value = env.get(key)
        missing = [path for path in (value or "").split(os.pathsep) if path and not os.path.exists(path)]
        if missing:
            unset.append(f"env {key} names {missing[0]}, which does not exist")
    return Target(name=spec.name, kind=spec.kind, connection=connection,
                  env={k: v for k, v in env.items() if v is not None}, declared_env=frozenset(spec.env),
                  unset=tuple(unset), secrets=tuple(secrets), tools=tuple(spec.tools), runbooks=tuple(spec.runbooks))


def service_vars(config: ConfigHolder, name: str | None, environ: Mapping[str, str]) -> ServiceVars:
    """A service's runbook variables and targets from the configuration in force (references read from
    `environ` and files); a service that is not configured has neither and labels fill only the defaults."""
    spec = config.current.service(name) if name else None
    if spec is None:
        return ServiceVars(label_names=frozenset(config.current.label_placeholders))
    values = spec.runbook_values(environ)
    switch = str(values.pop(SWITCH, "") or "").strip().lower()
    secret = frozenset(key for key, raw in spec.runbook_vars.items() if is_reference(str(raw)))
    return ServiceVars(values=values, secret=secret, automatic=switch not in OFF,
                       targets=tuple(resolve_target(t, environ) for t in spec.targets),
                       label_names=config.current.label_placeholders_of(spec),
                       references={key: str(raw) for key, raw in spec.runbook_vars.items()
                                   if is_reference(str(raw))})


class Execution:
    """Runs runbook steps for this process; `diagnostics` is its IncidentOpened handler."""

    def __init__(self, *, config: ConfigHolder, session_factory: sessionmaker[Session], clock: Clock,
                 executor: Executor | None = None, limits: Limits | None = None,
                 settings: StepSettings | None = None, environ: Mapping[str, str] | None = None) -> None:
        self._config = config
        self._environ = environ if environ is not None else os.environ
        self.settings = settings or StepSettings()
        self.runner = StepRunner(session_factory, clock, executor or LocalProcessExecutor(), self.variables,
                                 limits or Limits())
        self.runner.install()
        self.diagnostics = Diagnostics(self.variables, self.settings)

    def variables(self, service: str | None) -> ServiceVars:
        return service_vars(self._config, service, self._environ)

    def close(self) -> None:
        self.runner.close()
