"""`firebreak import pagerduty|opsgenie|grafana-oncall`: another tool's configuration as a file and a report."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer

from firebreak.cli.common import console, fail, handle_errors
from firebreak.config.loader import parse_config
from firebreak.kernel.errors import ConfigError
from firebreak.migrate.draft import Imported
from firebreak.migrate.folder import read_folder
from firebreak.migrate.options import ImportOptions
from firebreak.migrate.report import HEADINGS
from firebreak.migrate.vendors import VENDORS, Vendor, fetcher_for
from firebreak.security.secrets import is_reference, resolve_secret

app = typer.Typer(help="Import schedules, escalation policies, users, teams and services from another tool.",
                  no_args_is_help=True)

FROM = typer.Option(None, "--from", help="A folder of the tool's API answers as JSON files (or one file); repeatable")
TOKEN = typer.Option(None, "--token", help="Fetch with this API token instead: env:NAME or file:/path")
BASE_URL = typer.Option(None, "--base-url", help="The tool's API address (default its public one)")
OUT = typer.Option(Path("firebreak.yaml"), "--out", help="The configuration file to write")
REPORT = typer.Option(None, "--report", help="Where the report goes (default: OUT with .report.md)")
EMAIL_VIA = typer.Option(None, "--email-via", help="Page e-mail addresses through this apprise URL, with {email}: "
                         "'mailtos://user:pass@smtp.example.com?to={email}'")
FORCE = typer.Option(False, "--force", help="Overwrite OUT and the report if they exist")


def run_import(vendor: Vendor, sources: list[Path] | None, token: str | None, base_url: str | None, out: Path,
               report: Path | None, email_via: str | None, force: bool) -> None:
    if bool(sources) == bool(token):
        raise fail("give either --from DIR (saved API answers) or --token env:NAME (fetch them)")
    if email_via is not None and "{email}" not in email_via:
        raise fail("--email-via must contain {email}, e.g. 'mailtos://user:pass@smtp.example.com?to={email}'")
    report = report or out.with_suffix(".report.md")
    for path in (out, report):
        if path.exists() and not force:
            raise fail(f"{path} exists; pass --force to overwrite it")
    if sources:
        bundle = read_folder(sources, vendor.classify, vendor.label)
        origin = ", ".join(str(source) for source in sources)
    else:
        assert token is not None
        if not is_reference(token):
            raise fail("write the token as env:NAME or file:/path, so it stays out of the shell's history")
        address = base_url or vendor.base_url
        if address is None:
            raise fail(f"{vendor.label} runs at your own address: give --base-url (e.g. "
                       "https://oncall.example.com/oncall or Grafana Cloud's OnCall API URL)")
        fetcher = fetcher_for(vendor, resolve_secret(token, field="--token"), address)
        bundle = vendor.fetch(fetcher, datetime.now(UTC))
        origin = address
    imported = vendor.build(bundle, ImportOptions(email_via=email_via))
    text = imported.to_yaml(f"Imported from {vendor.label} ({origin}) by `firebreak import {vendor.key}`.\n"
                            f"What could not be carried over is in {report.name}. Check: firebreak config check "
                            f"{out.name}")
    try:
        parse_config(text, file=str(out))
    except ConfigError as exc:  # a mapping bug: never write a file that does not load
        raise fail(f"the imported configuration does not load, nothing written:\n{exc.detail}", 2) from exc
    out.write_text(text, encoding="utf-8")
    report.write_text(imported.report.to_markdown(), encoding="utf-8")
    summarise(imported, out, report)


def summarise(imported: Imported, out: Path, report: Path) -> None:
    counts = ", ".join(f"{number} {what}" for what, number in sorted(imported.report.imported.items()))
    console.print(f"wrote {out}: {counts}")
    found = ", ".join(f"{len(imported.report.of(kind))} {heading.lower()}" for kind, heading in HEADINGS.items()
                      if imported.report.of(kind))
    console.print(f"wrote {report}: {found or 'everything was carried over'}")
    console.print(f"next: firebreak config check {out}")


def command(key: str) -> None:
    vendor = VENDORS[key]

    @app.command(key, help=f"Import from {vendor.label}: users, teams, schedules, escalation policies and more.")
    @handle_errors
    def run(sources: list[Path] = FROM, token: str = TOKEN, base_url: str = BASE_URL, out: Path = OUT,
            report: Path = REPORT, email_via: str = EMAIL_VIA, force: bool = FORCE) -> None:
        run_import(vendor, sources, token, base_url, out, report, email_via, force)


for name in VENDORS:
    command(name)
