"""Review: the stage for one process — drafting reviews when incidents resolve and holding CLS-1 on close.

Subscribed to StatusChanged in `runtime.py: subscribe_stages`, after escalation: both handlers
run inside the incident change's own transaction, so a refused close leaves nothing written.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from firebreak.config.models import Config
from firebreak.config.runtime import ConfigHolder
from firebreak.db.models.core import IncidentRecord
from firebreak.db.models.review import ReviewRecord
from firebreak.incident.events import StatusChanged
from firebreak.incident.lifecycle import allowed_from
from firebreak.kernel.errors import Conflict
from firebreak.review import gather, store
from firebreak.review.draft import draft_sections
from firebreak.review.gate import RULE, close_refusal
from firebreak.review.render import Heading, html_document, markdown_document
from firebreak.route.severity import ReviewPolicy

ACTOR = "firebreak:review"


def review_policy(config: Config, severity: str | None) -> ReviewPolicy:
    """Whether the severity's incidents need a completed review to close (an unknown severity does)."""
    scale = config.severity_scale
    if severity is None or scale.canonical(severity) is None:
        return "required"
    return scale.level(severity).review


class ReviewStage:
    """Drafts and redrafts reviews from the timeline; refuses to close an incident whose review is due."""

    def __init__(self, *, config: ConfigHolder) -> None:
        self._holder = config

    @property
    def config(self) -> Config:
        return self._holder.current

    def redraft(self, session: Session, *, incident: IncidentRecord, actor: str, now: datetime,
                change: str) -> ReviewRecord:
        """Draft the review afresh from the timeline; sections people edited are kept."""
        drafted = draft_sections(gather.facts_of(session, incident=incident, config=self.config))
        return store.draft(session, incident_id=incident.id, drafted=drafted, author=actor, now=now, change=change)

    def refresh(self, session: Session, *, incident: IncidentRecord, actor: str, now: datetime,
                change: str) -> ReviewRecord | None:
        """Redraft an existing review (key events or action items changed); nothing before the first draft."""
        if store.find(session, incident_id=incident.id) is None:
            return None
        return self.redraft(session, incident=incident, actor=actor, now=now, change=change)

    def status_changed(self, session: Session, event: StatusChanged) -> None:
        """Resolved: draft (or bring up to date) the review. Closed by CLS-1: held unless the review is done."""
        incident = event.incident
        if event.move.target == "resolved":
            session.flush()
            self.redraft(session, incident=incident, actor=ACTOR, now=event.now,
                         change=f"drafted when the incident resolved ({event.move.rule_id})")
        elif event.move.target == "closed" and event.move.rule_id == RULE:
            # A merged incident closes by MRG-1 instead: its story goes on in the survivor's review.
            review = store.find(session, incident_id=incident.id)
            refusal = close_refusal(incident_id=incident.id, severity=incident.severity,
                                    review_status=review.status if review else None,
                                    policy=review_policy(self.config, incident.severity))
            if refusal is not None:
                raise Conflict(refusal, allowed=[s for s in allowed_from(event.move.source) if s != "closed"])


def heading_of(incident: IncidentRecord, review: ReviewRecord) -> Heading:
    """The first lines of the review's exported document."""
    return Heading(incident_id=incident.id, title=incident.title, severity=incident.severity, status=review.status,
                   version=review.version, opened_at=incident.triggered_at or incident.created_at)


def document(incident: IncidentRecord, review: ReviewRecord, *, form: str) -> str:
    """The review exported as `markdown` or `html`."""
    heading = heading_of(incident, review)
    sections = {str(k): str(v) for k, v in review.sections.items()}
    if form == "html":
        return html_document(heading, sections)
    return markdown_document(heading, sections)
