"""`firebreak review`: show, edit (in $EDITOR), complete, draft, versions, export and key events of reviews.

Each command works against a running server (FIREBREAK_SERVER + FIREBREAK_TOKEN, `review_api`) or
on the database directly (`review_db`, loaded only then); this module reads options and prints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

import click
import typer

from firebreak.cli.common import AS_NAME, console, fail, handle_errors, readable_table, server_client
from firebreak.cli.lazy import load
from firebreak.cli.review_api import RemoteReviews
from firebreak.review.edit_file import edit_text, read_edit_text

app = typer.Typer(help="Post-incident reviews: show, edit in $EDITOR, complete, export, key events.",
                  no_args_is_help=True)


class Reviews(Protocol):
    """What the commands need, from a server or from the database (closed when the command ends)."""

    def __enter__(self) -> Reviews: ...
    def __exit__(self, *exc: object) -> None: ...
    def get(self, incident_id: int) -> dict[str, Any]: ...
    def save(self, incident_id: int, sections: dict[str, str], status: str | None,
             base_version: int | None) -> dict[str, Any]: ...
    def draft(self, incident_id: int) -> dict[str, Any]: ...
    def versions(self, incident_id: int) -> list[dict[str, Any]]: ...
    def document(self, incident_id: int, form: str) -> str: ...
    def mark(self, incident_id: int, seq: int, label: str | None) -> None: ...
    def unmark(self, incident_id: int, seq: int) -> None: ...


def reviews(as_name: str | None = None) -> Reviews:
    """The server's reviews when FIREBREAK_SERVER is set, else the database's."""
    client = server_client(as_name)
    if client is not None:
        return RemoteReviews(client)
    local: Reviews = load("firebreak.cli.review_db", "LocalReviews")(as_name=as_name)
    return local


def sections_of(review: dict[str, Any]) -> dict[str, str]:
    return {section["key"]: section["text"] for section in review["sections"]}


@app.command("show")
@handle_errors
def show_cmd(incident_id: int) -> None:
    """Print the review as Markdown (prompts left out)."""
    with reviews() as backend:
        console.print(backend.document(incident_id, "markdown"), markup=False, highlight=False)


@app.command("edit")
@handle_errors
def edit_cmd(incident_id: int, as_name: str = AS_NAME) -> None:
    """Open the review in $EDITOR; what you save becomes its next version."""
    with reviews(as_name) as backend:
        review = backend.get(incident_id)
        before = edit_text(incident_id, review["version"], sections_of(review))
        after = click.edit(before, extension=".md", require_save=True)
        if after is None or after == before:
            console.print("review unchanged")
            return
        edited = read_edit_text(after, name=f"review of incident {incident_id}")
        saved = backend.save(incident_id, edited, None, review["version"])
    console.print(f"review of incident {incident_id} saved as version {saved['version']} ({saved['status']})")


@app.command("complete")
@handle_errors
def complete_cmd(incident_id: int, reopen: bool = typer.Option(False, "--draft", help="Mark it a draft again"),
                 as_name: str = AS_NAME) -> None:
    """Mark the review complete (the incident may then close), or a draft again with --draft."""
    status = "draft" if reopen else "complete"
    with reviews(as_name) as backend:
        saved = backend.save(incident_id, {}, status, None)
    console.print(f"review of incident {incident_id} is {saved['status']} (version {saved['version']})")


@app.command("draft")
@handle_errors
def draft_cmd(incident_id: int, as_name: str = AS_NAME) -> None:
    """Draft the review from the timeline now (sections people edited are kept)."""
    with reviews(as_name) as backend:
        saved = backend.draft(incident_id)
    console.print(f"review of incident {incident_id} drafted (version {saved['version']})")


@app.command("versions")
@handle_errors
def versions_cmd(incident_id: int) -> None:
    """Every saved version of the review: who saved it, when, and what changed."""
    with reviews() as backend:
        rows = backend.versions(incident_id)
    console.print(readable_table(("Version", "Status", "Saved (UTC)", "By", "Change"),
                                 [[str(v["version"]), v["status"], v["saved_at"][:16].replace("T", " "), v["author"],
                                   v["change"]] for v in rows], keep=("Version", "Status", "Saved (UTC)")))


@app.command("export")
@handle_errors
def export_cmd(incident_id: int,
               form: str = typer.Option("markdown", "--format", help="markdown or html"),
               output: Path = typer.Option(None, "--output", "-o", help="Write to this file, not stdout")) -> None:
    """Export the review as Markdown or standalone HTML."""
    if form not in ("markdown", "md", "html"):
        raise fail(f"--format must be markdown or html, not {form!r}", 2)
    with reviews() as backend:
        text = backend.document(incident_id, "html" if form == "html" else "markdown")
    if output is None:
        console.print(text, markup=False, highlight=False)
        return
    output.write_text(text, encoding="utf-8")
    console.print(f"wrote {output}")


@app.command("mark")
@handle_errors
def mark_cmd(incident_id: int, seq: int = typer.Argument(..., help="The timeline entry's number"),
             label: str = typer.Option(None, "--label", help="What the review's timeline table says for it"),
             clear: bool = typer.Option(False, "--clear", help="Take the mark off"),
             as_name: str = AS_NAME) -> None:
    """Mark a timeline entry as a key event for the review's timeline table (or --clear the mark)."""
    with reviews(as_name) as backend:
        if clear:
            backend.unmark(incident_id, seq)
        else:
            backend.mark(incident_id, seq, label)
    console.print(f"entry {seq} of incident {incident_id} " + ("unmarked" if clear else "marked as a key event"))
