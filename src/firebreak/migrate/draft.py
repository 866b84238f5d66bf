"""Migrate: the configuration being built — users, teams, schedules, policies and services by vendor id,
with unique names, rendered as the YAML that `config/loader.py` reads. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from firebreak.migrate.bundle import Bundle
from firebreak.migrate.naming import Namer, handle_from
from firebreak.migrate.report import Report
from firebreak.migrate.windows import zone

Section = dict[str, Any]
LOG_CONTACT = {"via": "log://"}


@dataclass
class Draft:
    """Configuration sections in the making for one vendor's import."""

    vendor: str
    report: Report = field(init=False)
    users: dict[str, Section] = field(default_factory=dict)  # vendor user id → user
    teams: dict[str, Section] = field(default_factory=dict)  # vendor team id → team
    schedules: list[Section] = field(default_factory=list)
    schedule_names: dict[str, list[str]] = field(default_factory=dict)  # vendor schedule id → schedules
    policies: dict[str, Section] = field(default_factory=dict)  # vendor policy id → policy
    services: list[Section] = field(default_factory=list)
    user_namer: Namer = field(default_factory=Namer)
    team_namer: Namer = field(default_factory=Namer)
    schedule_namer: Namer = field(default_factory=Namer)
    policy_namer: Namer = field(default_factory=Namer)
    service_namer: Namer = field(default_factory=Namer)

    def __post_init__(self) -> None:
        self.report = Report(self.vendor)

    @classmethod
    def for_bundle(cls, vendor: str, bundle: Bundle) -> Draft:
        """A draft whose report starts with the files the bundle skipped."""
        draft = cls(vendor)
        for origin, why in bundle.skipped:
            draft.report.add("note", f"file {origin}", "skipped", why)
        return draft

    def time_zone(self, name: str | None, subject: str) -> tuple[str, ZoneInfo]:
        """A vendor's time zone name and zone; UTC (reported) when it is not an IANA name."""
        tz = zone(name or "UTC")
        if tz is None:
            self.report.add("approximated", subject, f"time zone {name!r}", "not an IANA time zone name; read as UTC")
            return "UTC", ZoneInfo("UTC")
        return name or "UTC", tz

    def user(self, vendor_id: str, *, name: str | None = None, email: str | None = None,
             time_zone: str | None = None, by_reference: bool = False, handle: str | None = None) -> str:
        """The handle of the vendor's user `vendor_id`, adding the user when first seen."""
        known = self.users.get(vendor_id)
        if known is not None:
            if not by_reference:
                self._fill(known, name, email, time_zone)
            return str(known["handle"])
        handle = self.user_namer.name(handle or handle_from(email, name, vendor_id), vendor_id, fallback="user")
        entry: Section = {"name": name or handle, "handle": handle}
        self.users[vendor_id] = entry
        self._fill(entry, name, email, time_zone)
        if by_reference:
            entry["_reference_only"] = True
        return handle

    def _fill(self, entry: Section, name: str | None, email: str | None, time_zone: str | None) -> None:
        entry.pop("_reference_only", None)
        if name:
            entry["name"] = name
        if email and email.count("@") == 1 and not email.startswith("@") and not email.endswith("@"):
            entry["email"] = email
        if time_zone:
            if zone(time_zone) is not None:
                entry["time_zone"] = time_zone
            else:
                self.report.add("approximated", f"user {entry['handle']}", f"time zone {time_zone!r}",
                                "not an IANA time zone name; left at UTC")

    def team(self, vendor_id: str, name: str | None) -> str:
        """The name of the vendor's team `vendor_id`, adding the team when first seen."""
        known = self.teams.get(vendor_id)
        if known is not None:
            return str(known["name"])
        entry: Section = {"name": self.team_namer.name(name or vendor_id, vendor_id, fallback="team")}
        if name and name != entry["name"]:
            entry["description"] = name
        self.teams[vendor_id] = entry
        return str(entry["name"])

    def add_member(self, team_id: str, handle: str) -> None:
        members = self.teams[team_id].setdefault("members", [])
        if handle not in members:
            members.append(handle)

    def add_schedule(self, vendor_id: str, schedule: Section) -> None:
        self.schedules.append(schedule)
        self.schedule_names.setdefault(vendor_id, []).append(schedule["name"])

    def sections(self) -> Section:
        """The sections as the configuration file holds them (users without a contact method page the log)."""
        users, by_reference, silent = [], [], []
        for entry in self.users.values():
            entry = dict(entry)
            if entry.pop("_reference_only", False):
                by_reference.append(entry["handle"])
            if not entry.get("contact"):
                entry["contact"] = [dict(LOG_CONTACT)]
                silent.append(entry["handle"])
            users.append(entry)
        if by_reference:
            self.report.add("note", "users " + ", ".join(by_reference), "details",
                            "known only by reference (no user object was read): named from the reference, "
                            "without contact methods")
        if silent:
            self.report.add("action", "users " + ", ".join(silent), "contact methods",
                            "none could be imported; their pages go to the server log (log://) until a contact "
                            "method (mailto://, slack:// … any apprise URL) is added")
        teams = [{key: value for key, value in team.items() if not key.startswith("_")}
                 for team in self.teams.values()]
        out: Section = {}
        for key, value in (("teams", teams), ("users", users), ("services", self.services),
                           ("schedules", self.schedules), ("escalation_policies", list(self.policies.values()))):
            if value:
                out[key] = value
        self.report.count("users", len(users))
        self.report.count("teams", len(self.teams))
        self.report.count("schedules", len(self.schedules))
        self.report.count("escalation policies", len(self.policies))
        self.report.count("services", len(self.services))
        return out


@dataclass(frozen=True)
class Imported:
    """An import's result: the configuration sections, the report, and which vendor id got which name."""

    sections: Section
    report: Report
    schedules: dict[str, list[str]]
    users: dict[str, str]
    policies: dict[str, str]

    def to_yaml(self, header: str = "") -> str:
        """The configuration file's text: a comment header, then the sections."""
        comment = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines())
        body = yaml.safe_dump(self.sections, sort_keys=False, allow_unicode=True, width=120,
                              default_flow_style=False)
        return comment + body


def finish(draft: Draft) -> Imported:
    sections = draft.sections()
    return Imported(sections, draft.report, dict(draft.schedule_names),
                    {vendor_id: str(entry["handle"]) for vendor_id, entry in draft.users.items()},
                    {vendor_id: str(entry["name"]) for vendor_id, entry in draft.policies.items()})
