"""Communicate: the drafts' templates — the seeds' formats, sandboxed Jinja2, overridable in configuration.

Internal drafts (initial, progress, resolved, leadership) read the whole incident: its title, roles,
timeline. Public drafts (status_page, customer_email) are rendered with a public context that holds
only what customers may read (the public title and message, components, times), so a template that
reached for anything internal fails when the configuration loads instead of leaking it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from firebreak.notify.render import Rendered, TemplateProblem, TemplateSet

PUBLIC_KINDS = frozenset({"status_page", "customer_email"})

INITIAL = ("[INCIDENT] {{ incident.severity or 'SEV?' }} - {{ incident.title }}", """\
[INCIDENT] {{ incident.severity or 'SEV?' }} - {{ incident.title }}

Status: {{ update.status }}
Impact: {{ update.impact or 'being assessed' }}
Started: {{ incident.started }}
{% if roles.incident_commander %}IC: {{ roles.incident_commander }}
{% endif %}{% if roles.technical_lead %}Technical Lead: {{ roles.technical_lead }}
{% endif %}{% if roles.communications_lead %}Communications Lead: {{ roles.communications_lead }}
{% endif %}{% if update.next_update %}
Next update: {{ update.next_update }}{% endif %}
Incident: {{ incident.url }}""")

PROGRESS = ("[UPDATE] {{ incident.severity or 'SEV?' }} - {{ incident.title }}", """\
[UPDATE] {{ incident.severity or 'SEV?' }} - {{ incident.title }}

Status: {{ update.status }}
{% if update.impact %}Impact: {{ update.impact }}
{% endif %}Actions Taken:
{% for action in update.actions %}- {{ action }}
{% else %}- (none yet)
{% endfor %}
Next steps:
{% for step in update.next_steps %}- {{ step }}
{% else %}- (to be decided)
{% endfor %}{% if update.next_update %}
Next update: {{ update.next_update }}{% endif %}
Incident: {{ incident.url }}""")

RESOLVED = ("[RESOLVED] {{ incident.severity or 'SEV?' }} - {{ incident.title }}", """\
[RESOLVED] {{ incident.severity or 'SEV?' }} - {{ incident.title }}

Status: Resolved
Duration: {{ incident.duration }}
Root Cause: {{ update.root_cause or 'under investigation' }}
Resolution: {{ update.resolution or 'see the timeline' }}
{% if update.next_steps %}
{% for step in update.next_steps %}{{ step }}
{% endfor %}{% endif %}
Incident: {{ incident.url }}""")

STATUS_PAGE = ("{{ update.title }}", """\
{{ update.message }}

Affected Services:
{% for component in components %}- {{ component.name }} ({{ component.status_text }})
{% else %}- None
{% endfor %}
Updated: {{ update.at }}{% if update.next_update %}
Next update: {{ update.next_update }}{% endif %}""")

CUSTOMER_EMAIL = ("Service Disruption Update", """\
Dear Customers,

{% if update.resolved %}We experienced a service disruption {{ update.window }}.
The issue has been resolved and all services are now operating normally.{% else %}\
We are experiencing a service disruption since {{ update.started }}{% if components %} affecting \
{{ components | map(attribute='name') | join(', ') }}{% endif %}.
Our team is working on it{% if update.next_update %}; the next update follows in {{ update.next_update }}{% endif %}.\
{% endif %}{% if update.root_cause %}

Root Cause: {{ update.root_cause }}{% endif %}{% if update.resolution %}
Resolution: {{ update.resolution }}{% endif %}

We apologize for any inconvenience.{% if page.contact %} If you have questions,
please contact {{ page.contact }}.{% endif %}

Best regards,
{{ page.signature }}""")

LEADERSHIP = ("[LEADERSHIP] {{ incident.severity or 'SEV?' }} - {{ incident.title }}", """\
[LEADERSHIP] {{ incident.severity or 'SEV?' }} - {{ incident.title }}

Status: {{ update.status }} · open for {{ incident.duration }}
Impact: {{ update.impact or 'being assessed' }}
Customer-facing: {% for component in components %}{{ component.name }} {{ component.status_text }}\
{% if not loop.last %}, {% endif %}{% else %}no status-page component affected{% endfor %}
{% if roles.incident_commander %}IC: {{ roles.incident_commander }}
{% endif %}{% if roles.communications_lead %}Communications Lead: {{ roles.communications_lead }}
{% endif %}{% if latest %}
Latest update ({{ latest.at }}):
{{ latest.body }}
{% else %}
No status update posted yet.
{% endif %}{% if update.next_update %}
Next summary: {{ update.next_update }}{% endif %}
Incident: {{ incident.url }}""")

BUILTIN: dict[str, tuple[str, str]] = {
    "initial": INITIAL, "progress": PROGRESS, "resolved": RESOLVED, "status_page": STATUS_PAGE,
    "customer_email": CUSTOMER_EMAIL, "leadership": LEADERSHIP,
}


def sample_update() -> dict[str, Any]:
    return {"status": "Investigating", "impact": "Elevated error rate on API (15%)", "title": "API Service Degradation",
            "message": "We are currently experiencing elevated error rates on our API.",
            "actions": ["Identified issue"], "next_steps": ["Monitor for 10 minutes"], "next_update": "15 minutes",
            "root_cause": "", "resolution": "", "at": "2024-01-15 14:35 UTC", "resolved": False,
            "started": "2024-01-15 14:30 UTC", "window": "today from 14:30 to 15:15 UTC"}


def sample_contexts() -> dict[str, dict[str, Any]]:
    """A complete context per kind with made-up values, for checking templates at configuration load."""
    components = [{"name": "API", "status": "degraded_performance", "status_text": "Degraded Performance"}]
    page = {"title": "Example status", "url": "http://localhost/status", "contact": "support@example.com",
            "signature": "The Example team"}
    public = {"update": sample_update(), "components": components, "page": page}
    internal = {
        **public,
        "incident": {"id": 1, "title": "API errors elevated", "severity": "SEV2", "status": "investigating",
                     "service": "api", "team": "platform", "url": "http://localhost/api/v1/incidents/1",
                     "started": "2024-01-15 14:30 UTC", "duration": "45 minutes", "resolved": None},
        "roles": {"incident_commander": "@john.doe", "technical_lead": "@jane.smith", "communications_lead": None,
                  "on_call_engineer": None},
        "services": ["api"],
        "timeline": [{"at": "14:30 UTC", "text": "Alert triggered"}],
        "latest": {"at": "14:50 UTC", "body": "Mitigating"},
    }
    return {kind: public if kind in PUBLIC_KINDS else internal for kind in BUILTIN}


class UpdateTemplates:
    """The draft templates in force: built-in text with the configuration's overrides."""

    def __init__(self, overrides: Mapping[str, tuple[str | None, str | None]] | None = None) -> None:
        self._set = TemplateSet(overrides, builtin=BUILTIN)
        self._builtin = TemplateSet(None, builtin=BUILTIN)

    def render(self, kind: str, context: Mapping[str, Any]) -> Rendered:
        """Title and body of a `kind` draft (the built-in text when a configured template fails on these values)."""
        if kind not in BUILTIN:
            raise TemplateProblem(kind, "title", f"unknown kind of update {kind!r}")
        try:
            return self._set.render(kind, context)
        except TemplateProblem:
            return self._builtin.render(kind, context)

    def check(self) -> None:
        """Render every configured kind once with its sample context; raise TemplateProblem on the first failure."""
        for kind, context in sample_contexts().items():
            self._set.render(kind, context)
