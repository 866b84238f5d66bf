"""Where the CLI defers imports: command groups, and the database side of a command, load when used.

`firebreak --help` must answer at once, yet most commands need the database layer, migrations or
the web app, which take seconds to import on a small machine. Rather than scattering imports
inside functions, the CLI defers them in exactly two ways, both through this module:

- `LazyGroup`: main.py lists every command group with the module that implements it and its
  one-line help. Listing them (`firebreak --help`) imports none of them; running one imports
  only that module.
- `load(module, attribute)`: a command that can talk to a server or to the database keeps its
  database side in its own module (`cli/*_db.py`), loaded only when no server is configured, so
  `FIREBREAK_SERVER=… firebreak incident list` never imports the database layer or the web app.

Nothing else in the CLI imports lazily; a test holds `--help` and server-mode commands to the
modules they may import.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import typer
from typer.core import TyperCommand, TyperGroup


@dataclass(frozen=True, slots=True)
class Entry:
    """A command (or command group) of `firebreak`: where it lives and its one-line help."""

    module: str
    attribute: str
    help: str


def load(module: str, attribute: str) -> Any:
    """`attribute` of `module`, importing the module now (the CLI's one deferred import)."""
    return getattr(importlib.import_module(module), attribute)


def to_command(name: str, target: typer.Typer | Callable[..., Any]) -> TyperCommand | TyperGroup:
    """The click command for a Typer sub-app or a plain command function."""
    if isinstance(target, typer.Typer):
        group = typer.main.get_group(target)
        group.name = name
        return group
    single = typer.Typer(add_completion=False)
    single.command(name)(target)
    command = typer.main.get_command(single)
    assert isinstance(command, TyperCommand)
    return command


class LazyGroup(TyperGroup):
    """A command group whose sub-commands are imported only when one of them runs."""

    entries: ClassVar[dict[str, Entry]] = {}

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *(n for n in self.entries if n not in self.commands)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        found = super().get_command(ctx, cmd_name)
        if found is not None or cmd_name not in self.entries:
            return found
        entry = self.entries[cmd_name]
        if self.listing:
            return TyperCommand(name=cmd_name, help=entry.help)
        command = to_command(cmd_name, load(entry.module, entry.attribute))
        self.commands[cmd_name] = command
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """Help lists the commands from `entries` without importing them."""
        self.listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self.listing = False


def lazy_group(entries: dict[str, Entry]) -> type[LazyGroup]:
    """A `LazyGroup` class for `typer.Typer(cls=…)` that knows these commands."""
    return type("FirebreakCommands", (LazyGroup,), {"entries": dict(entries)})
