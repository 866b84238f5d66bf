"""Notify: page text from per-channel templates, rendered in a sandboxed Jinja2 environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

DEFAULT_TITLE = "[{{ incident.severity or 'page' }}] #{{ incident.id }} {{ incident.title }}"
DEFAULT_BODY = """{{ incident.title }}
Severity: {{ incident.severity or 'unset' }} · Service: {{ incident.service or 'unknown' }} \
· Status: {{ incident.status }}
{% if page.kind == 'repage' %}Still unresolved after acknowledgement: paging again.
{% endif %}{% if page.kind == 'low_urgency' %}Low urgency: nobody is paged; this is the only notice.
{% elif page.kind == 'tracker' %}Urgency none: recorded for the tracker; nobody is paged.
{% else %}Escalation level {{ page.level }} (pass {{ page.round + 1 }}) of policy {{ page.policy }}.
{% endif %}Acknowledge: {{ ack_url }}
Incident: {{ incident.url }}"""
SHORT_BODY = ("#{{ incident.id }} {{ incident.severity or '' }} {{ incident.title }} — "
              "{% if page.kind in ('low_urgency', 'tracker') %}low urgency, nobody paged"
              "{% else %}level {{ page.level }}{% endif %}. Ack: {{ ack_url }}")

# Chat channels get the compact text; e-mail and webhooks get the full body.
BUILTIN: dict[str, tuple[str, str]] = {
    "default": (DEFAULT_TITLE, DEFAULT_BODY),
    "slack": (DEFAULT_TITLE, SHORT_BODY),
    "msteams": (DEFAULT_TITLE, SHORT_BODY),
    "discord": (DEFAULT_TITLE, SHORT_BODY),
    "tgram": (DEFAULT_TITLE, SHORT_BODY),
    "mmost": (DEFAULT_TITLE, SHORT_BODY),
}


class TemplateProblem(ValueError):
    """A template that does not compile or render; `channel` and `part` say which."""

    def __init__(self, channel: str, part: str, reason: str) -> None:
        super().__init__(f"template {channel}.{part}: {reason}")
        self.channel = channel
        self.part = part


@dataclass(frozen=True, slots=True)
class Rendered:
    title: str
    body: str


class TemplateSet:
    """Compiled title/body templates per channel family (or per any other key, from `builtin`),
    falling back to `default`.

    The environment is sandboxed and immutable, so a template from the configuration file can
    read the page's values but cannot call into Python or change anything.
    """

    def __init__(self, overrides: Mapping[str, tuple[str | None, str | None]] | None = None, *,
                 builtin: Mapping[str, tuple[str, str]] = BUILTIN) -> None:
        self._env = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False,
                                                  keep_trailing_newline=False)
        merged: dict[str, tuple[str, str]] = dict(builtin)
        for channel, (title, body) in (overrides or {}).items():
            base_title, base_body = merged.get(channel) or merged.get("default") or ("", "")
            merged[channel] = (title or base_title, body or base_body)
        self._compiled = {}
        for channel, (title, body) in merged.items():
            self._compiled[channel] = (self._compile(channel, "title", title), self._compile(channel, "body", body))

    def _compile(self, channel: str, part: str, source: str) -> Any:
        try:
            return self._env.from_string(source)
        except TemplateError as exc:
            raise TemplateProblem(channel, part, str(exc)) from exc

    def render(self, family: str, context: Mapping[str, Any]) -> Rendered:
        """Render the template for `family` (or the default) with `context`."""
        channel = family if family in self._compiled else "default"
        title_template, body_template = self._compiled[channel]
        try:
            title = title_template.render(context)
        except TemplateError as exc:
            raise TemplateProblem(channel, "title", str(exc)) from exc
        try:
            body = body_template.render(context)
        except TemplateError as exc:
            raise TemplateProblem(channel, "body", str(exc)) from exc
        return Rendered(" ".join(title.split())[:250], body.strip())

    def check(self, context: Mapping[str, Any]) -> None:
        """Render every template once with a sample context; raise TemplateProblem on the first failure."""
        for channel in self._compiled:
            self.render(channel, context)


def sample_context() -> dict[str, Any]:
    """A complete context with made-up values, for checking templates at configuration load."""
    return {
        "incident": {"id": 1, "title": "Example incident", "severity": "SEV1", "service": "api",
                     "team": "platform", "status": "triggered", "url": "http://localhost/incidents/1"},
        "page": {"level": 1, "round": 0, "kind": "page", "policy": "default"},
        "user": {"handle": "oncall", "name": "On Call"},
        "ack_url": "http://localhost/ack/example",
        "ack_expires_at": "2030-01-01T00:00:00+00:00",
    }
