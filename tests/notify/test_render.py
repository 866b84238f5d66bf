"""Templates: per-channel choice, defaults, strict variables and the sandbox."""

from __future__ import annotations

from typing import Any

import pytest

from firebreak.notify.render import TemplateProblem, TemplateSet


def context(**incident: Any) -> dict[str, Any]:
    base = {"id": 7, "title": "API down", "severity": "P0", "service": "api", "status": "triggered",
            "url": "http://x/incidents/7"}
    base.update(incident)
    return {"incident": base, "page": {"level": 2, "round": 0, "kind": "page", "policy": "default"},
            "user": {"handle": "ann", "name": "Ann"}, "ack_url": "http://x/ack/abc"}


def test_default_and_chat_templates_carry_the_ack_link() -> None:
    templates = TemplateSet()
    email = templates.render("mailto", context())
    assert email.title == "[P0] #7 API down"
    assert "http://x/ack/abc" in email.body and "Severity: P0" in email.body
    chat = templates.render("slack", context())
    assert chat.body.startswith("#7 P0 API down") and "\n" not in chat.body


def test_configured_template_replaces_only_the_named_part() -> None:
    templates = TemplateSet({"json": (None, "{{ incident.id }}|{{ user.handle }}")})
    rendered = templates.render("json", context())
    assert rendered.body == "7|ann"
    assert rendered.title == "[P0] #7 API down"


def test_unknown_variable_and_syntax_errors_name_the_channel() -> None:
    with pytest.raises(TemplateProblem, match=r"slack\.body"):
        TemplateSet({"slack": (None, "{{ incident.nope }}")}).render("slack", context())
    with pytest.raises(TemplateProblem, match=r"mailto\.title"):
        TemplateSet({"mailto": ("{% if %}", None)})


def test_sandbox_blocks_python_internals() -> None:
    sneaky = TemplateSet({"json": (None, "{{ incident.__class__.__mro__ }}")})
    with pytest.raises(TemplateProblem):
        sneaky.render("json", context())
    mutating = TemplateSet({"json": (None, "{{ incident.update({'id': 1}) }}")})
    with pytest.raises(TemplateProblem):
        mutating.render("json", context())
