"""Declarations: checked against what the configuration knows, blanks dropped, read like an alert by matching."""

from __future__ import annotations

import pytest

from firebreak.incident.declaration import MAX_SERVICES, Known, declaration
from firebreak.kernel.errors import InvalidInput

KNOWN = Known(services=frozenset({"auth", "api-gateway"}), teams=frozenset({"platform"}),
              policies=frozenset({"security"}))


def test_a_declaration_keeps_services_in_order_once_and_reads_like_an_alert() -> None:
    declared = declaration(title="  Suspected breach  ", severity="SEV1", services=["auth", " api-gateway", "auth", ""],
                           description="  a paste  ", team=" ", escalation_policy="security", known=KNOWN)
    assert (declared.title, declared.services, declared.service) == ("Suspected breach", ("auth", "api-gateway"),
                                                                      "auth")
    assert (declared.team, declared.escalation_policy, declared.description) == (None, "security", "a paste")
    assert (declared.name, declared.summary, declared.runbook_url) == ("Suspected breach", "Suspected breach", None)
    assert declared.labels == {"service": "auth"}
    assert declared.annotations == {"summary": "Suspected breach", "description": "a paste"}
    assert declaration(title="Wifi down", severity="SEV4", known=KNOWN).labels == {}


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"title": " "}, "title", "needs a title"),
    ({"services": ["billing"]}, "services", "unknown service 'billing'; known: api-gateway, auth"),
    ({"services": [f"s{i}" for i in range(MAX_SERVICES + 1)]}, "services", f"at most {MAX_SERVICES}"),
    ({"team": "marketing"}, "team", "unknown team 'marketing'; known: platform"),
    ({"escalation_policy": "nobody"}, "escalation_policy", "unknown escalation policy 'nobody'"),
])
def test_what_the_configuration_does_not_know_is_refused(changes: dict[str, object], field: str, words: str) -> None:
    fields: dict[str, object] = {"title": "Breach", "severity": "SEV1", **changes}
    with pytest.raises(InvalidInput) as info:
        declaration(**fields, known=KNOWN)  # type: ignore[arg-type]
    assert info.value.field == field and words in info.value.detail


def test_nothing_configured_says_so() -> None:
    with pytest.raises(InvalidInput, match="none are configured"):
        declaration(title="Breach", severity="SEV1", services=["auth"], known=Known())
