"""Execute: prepare one runbook command to run — adapt, classify, fill — as one pure decision.

The class comes from the runbook classifier on the command as written (its effect: read-only,
mutating or destructive). A command that needs a terminal is adapted (see adapt); what is left
must not need one, except followers and loops that the adaptation bounded by time. Then the step
is placed on one of its service's declared targets (see targets) and its placeholders are filled:
the result is a Plan to run on that target, or NoTarget (proposed, never run) / Blocked / Refused
with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from firebreak.runbook.commands.classify import assess_command
from firebreak.runbook.execute.adapt import Adapted, Refused, adapt_step
from firebreak.runbook.execute.fill import Blocked, Plan, fill_command
from firebreak.runbook.execute.sources import Sources
from firebreak.runbook.execute.targets import NoTarget, Placement, Target, place_step
from firebreak.runbook.model import Command

BOUNDED_NEED = re.compile(r"until interrupted|follows|repeats|loops|keeps", re.I)
RUNNABLE = ("bash", "sql")


@dataclass(frozen=True)
class Prepared:
    """A command made ready: its class and why, the text that will run, what changed, the outcome."""

    cls: str
    class_reason: str
    template: str
    adaptations: tuple[str, ...] = ()
    outcome: Plan | Blocked | Refused | NoTarget = field(default_factory=lambda: Refused("not prepared"))
    target: Target | None = None
    env: Mapping[str, str] = field(default_factory=dict)

    @property
    def bounded(self) -> bool:
        """True when the adaptation stops the command after a fixed time (exit 124 then means done)."""
        return any("stopped after" in note for note in self.adaptations)


def prepare(command: Command, sources: Sources, *, targets: Sequence[Target] = (), runbook: str = "",
            follow_seconds: int = 10) -> Prepared:
    """Adapt, classify, place and fill `command`; see the module docstring."""
    verdict = assess_command(command.text, command.language)
    cls, reason = verdict.effect, verdict.reason
    if command.language not in RUNNABLE:
        return Prepared(verdict.cls, verdict.explain(), command.text, (),
                        Refused(f"only bash and sql commands run; this one is {command.language}"))
    template, notes = command.text, ()
    if command.language == "bash":
        adapted = adapt_step(command.text, list(command.placeholders), follow_seconds=follow_seconds)
        if isinstance(adapted, Refused):
            why = adapted.reason + (f" ({verdict.interactive})" if verdict.interactive else "")
            return Prepared("interactive", verdict.explain(), command.text, (), Refused(why))
        assert isinstance(adapted, Adapted)
        template, notes = adapted.text, adapted.notes
        if verdict.interactive:
            after = assess_command(template, command.language)
            if after.interactive and not (notes and BOUNDED_NEED.search(after.interactive)):
                return Prepared("interactive", verdict.explain(), command.text, notes,
                                Refused(f"{after.interactive}; Firebreak cannot run it without a terminal"))
    placed = place_step(template, command.language, list(command.placeholders), targets, runbook=runbook,
                        service=sources.service)
    if not isinstance(placed, Placement):
        return Prepared(cls, reason, template, notes, placed)
    return Prepared(cls, reason, placed.template, notes, fill_placed(placed, command.language, sources),
                    placed.target, placed.env)


def fill_placed(placed: Placement, language: str, sources: Sources) -> Plan | Blocked:
    """Fill a placed step: the target's connection values first, then the usual sources."""
    on_target = replace(sources, target=placed.values, connection=placed.connection)
    return fill_command(placed.template, language, list(placed.placeholders), on_target)
