"""Notify: people and their ordered contact methods, as the escalation engine reads them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True, slots=True)
class Contact:
    """One way to reach a person, tried `after` the page; later ones are also the fall-backs."""

    target: str
    after: timedelta = timedelta(0)


@dataclass(frozen=True, slots=True)
class Person:
    handle: str
    name: str
    email: str | None = None
    contacts: tuple[Contact, ...] = ()
