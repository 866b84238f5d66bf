"""Incident roles: who may hold one — a known person, or someone outside Firebreak named explicitly (pure).

A role names a person by a configured user's handle (or their display name or e-mail, which
resolve to the handle) or a sign-in account's name (`firebreak user`). Anyone else is written `external:Name`, so
a typo never becomes a holder nobody can reach.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from firebreak.kernel.errors import InvalidInput

EXTERNAL = "external:"
HINT_NAMES = 6


def known_names(people: Iterable[tuple[str, Iterable[str | None]]]) -> dict[str, str]:
    """Lower-cased aliases → the name a role stores, from (name, aliases) pairs; first one wins."""
    known: dict[str, str] = {}
    for name, aliases in people:
        for alias in (name, *aliases):
            if alias:
                known.setdefault(alias.strip().casefold(), name)
    return known


def resolve_assignee(assignee: str | None, known: Mapping[str, str]) -> str | None:
    """The name to store for `assignee` (None clears the role), or InvalidInput naming the choices."""
    if assignee is None:
        return None
    text = assignee.strip()
    if text[:len(EXTERNAL)].casefold() == EXTERNAL:
        outside = text[len(EXTERNAL):].strip()
        if not outside:
            raise InvalidInput("an external assignee needs a name after 'external:'", field="assignee")
        return EXTERNAL + outside
    name = known.get(text.casefold())
    if name is not None:
        return name
    choices = sorted(set(known.values()))
    shown = ", ".join(choices[:HINT_NAMES]) + (", …" if len(choices) > HINT_NAMES else "")
    raise InvalidInput(f"unknown assignee {assignee!r}: give a user's handle ({shown or 'no users configured'}) "
                       f"or 'external:{text or 'Name'}' for someone outside Firebreak", field="assignee")
