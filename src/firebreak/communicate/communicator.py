"""Communicate: the stage for one process — rules kept in step with the configuration, event handlers,
the cadence timer, drafting and posting updates."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from firebreak.communicate import drafts, posting
from firebreak.communicate.facts import UpdateFields
from firebreak.communicate.handlers import CommunicateHandlers
from firebreak.communicate.rules import Rules, build_rules
from firebreak.communicate.timer import CadenceTimer
from firebreak.config.models import Config
from firebreak.config.runtime import ConfigHolder
from firebreak.db.models.communicate import StatusUpdateRecord
from firebreak.db.models.core import IncidentRecord
from firebreak.escalate.directory import Directory
from firebreak.kernel.clock import Clock
from firebreak.kernel.errors import ConfigError

LOG = logging.getLogger("firebreak.communicate")


class Communicator:
    """Builds the communicate rules now and on every reload, offers handlers, the timer, drafts and posting."""

    def __init__(self, *, config: ConfigHolder, session_factory: sessionmaker[Session], clock: Clock,
                 directory: Callable[[], Directory]) -> None:
        self._holder = config
        self._session_factory = session_factory
        self._clock = clock
        self._directory = directory
        self._rules = build_rules(config.current, file=str(config.path))
        config.on_reload(self._reload)
        self.handlers = CommunicateHandlers(self.rules, directory)

    def rules(self) -> Rules:
        """The rules for the configuration in force."""
        return self._rules

    def _reload(self, config: Config) -> None:
        try:
            self._rules = build_rules(config, file=str(self._holder.path))
        except ConfigError as exc:
            LOG.error("communicate keeps the previous templates: %s", exc.detail)

    def timer(self) -> CadenceTimer:
        """The worker's timer for due update cadences."""
        return CadenceTimer(self._session_factory, self.rules, self._directory, self._clock)

    def draft(self, session: Session, *, incident: IncidentRecord, kind: str | None = None,
              visibility: str | None = None, fields: UpdateFields | None = None) -> drafts.Draft:
        return drafts.draft(session, incident=incident, rules=self._rules, base_url=self._directory().base_url,
                            now=self._clock.now(), kind=kind, visibility=visibility, fields=fields)

    def post(self, session: Session, *, incident: IncidentRecord, request: posting.UpdateRequest,
             actor: str) -> StatusUpdateRecord:
        return posting.post_update(session, incident=incident, request=request, rules=self._rules,
                                   directory=self._directory(), actor=actor, now=self._clock.now())
