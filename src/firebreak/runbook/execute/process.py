"""Execute: runbook execution for one process — service variables from the configuration, the runner,
and the diagnostics hook, wired once by the composition root."""

from __future__ import annotations

import os
from collections.abc import Mapping

from sqlalchemy.orm import Session, sessionmaker

from firebreak.config.runtime import ConfigHolder
from firebreak.flows.hooks import Hooks
from firebreak.kernel.clock import Clock
from firebreak.runbook.execute.diagnostics import Diagnostics
from firebreak.runbook.execute.executor import Executor, Limits
from firebreak.runbook.execute.local import LocalProcessExecutor
from firebreak.runbook.execute.runner import StepRunner
from firebreak.runbook.execute.steps import ServiceVars, StepSettings
from firebreak.security.secrets import is_reference

SWITCH = "diagnostics"
OFF = frozenset({"off", "false", "no", "0"})


def service_vars(config: ConfigHolder, name: str | None, environ: Mapping[str, str]) -> ServiceVars:
    """A service's runbook variables from the configuration in force (`env:` ones read from `environ`)."""
    spec = config.current.service(name) if name else None
    if spec is None:
        return ServiceVars()
    values = spec.runbook_values(environ)
    switch = str(values.pop(SWITCH, "") or "").strip().lower()
    secret = frozenset(key for key, raw in spec.runbook_vars.items() if is_reference(str(raw)))
    return ServiceVars(values=values, secret=secret, automatic=bool(values) and switch not in OFF)


class Execution:
    """Runs runbook steps for this process and hooks automatic diagnostics into incident opening."""

    def __init__(self, *, config: ConfigHolder, session_factory: sessionmaker[Session], clock: Clock, hooks: Hooks,
                 executor: Executor | None = None, limits: Limits | None = None,
                 settings: StepSettings | None = None, environ: Mapping[str, str] | None = None) -> None:
        self._config = config
        self._environ = environ if environ is not None else os.environ
        self.settings = settings or StepSettings()
        self.runner = StepRunner(session_factory, clock, executor or LocalProcessExecutor(), self.variables,
                                 limits or Limits())
        self.runner.install()
        self.diagnostics = Diagnostics(self.variables, self.settings)
        hooks.on_opened.append(self.diagnostics.on_opened)

    def variables(self, service: str | None) -> ServiceVars:
        return service_vars(self._config, service, self._environ)

    def close(self) -> None:
        self.runner.close()
