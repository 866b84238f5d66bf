"""Migrate: a bundle — the vendor objects one import reads, by kind, each with where it came from."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

VendorObject = dict[str, Any]


@dataclass
class Bundle:
    """Objects of one vendor grouped by kind (`schedules`, `users` …); `origin` names each one's file or URL."""

    objects: dict[str, list[VendorObject]] = field(default_factory=dict)
    origins: dict[int, str] = field(default_factory=dict)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    extra: dict[str, str] = field(default_factory=dict)  # side files by name (iCalendar feeds)

    def add(self, kind: str, item: VendorObject, origin: str) -> None:
        self.objects.setdefault(kind, []).append(item)
        self.origins[id(item)] = origin

    def of(self, kind: str) -> list[VendorObject]:
        return self.objects.get(kind, [])

    def origin(self, item: VendorObject) -> str:
        return self.origins.get(id(item), "")

    def items(self) -> Iterator[tuple[str, VendorObject]]:
        for kind, items in self.objects.items():
            for item in items:
                yield kind, item


def sort_items(items: list[object], kind_of: Callable[[VendorObject], str | None]) -> list[tuple[str, VendorObject]]:
    """`(kind, item)` for each item `kind_of` recognises, in order."""
    found = []
    for item in items:
        kind = kind_of(item) if isinstance(item, dict) else None
        if kind is not None:
            found.append((kind, item))
    return found
