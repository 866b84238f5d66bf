"""Execute: prepare one runbook command to run — adapt, classify, fill — as one pure decision.

The class comes from the runbook classifier on the command as written (its effect: read-only,
mutating or destructive). A command that needs a terminal is adapted (see adapt); what is left
must not need one, except followers and loops that the adaptation bounded by time. Then the
placeholders are filled: the result is a Plan to run, or Blocked / Refused with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from firebreak.runbook.classify import assess_command
from firebreak.runbook.execute.adapt import Adapted, Refused, adapt_step
from firebreak.runbook.execute.fill import Blocked, Plan, fill_command
from firebreak.runbook.execute.sources import Sources
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
    outcome: Plan | Blocked | Refused = field(default_factory=lambda: Refused("not prepared"))

    @property
    def bounded(self) -> bool:
        """True when the adaptation stops the command after a fixed time (exit 124 then means done)."""
        return any("stopped after" in note for note in self.adaptations)


def prepare(command: Command, sources: Sources, *, follow_seconds: int = 10) -> Prepared:
    """Adapt, classify and fill `command`; see the module docstring."""
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
    outcome = fill_command(template, command.language, list(command.placeholders), sources)
    return Prepared(cls, reason, template, notes, outcome)
