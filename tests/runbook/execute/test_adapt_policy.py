"""Pure decisions: interactive commands adapted or refused; who may approve what."""

from __future__ import annotations

import pytest

from firebreak.runbook.execute.adapt import Adapted, Refused, adapt_step
from firebreak.runbook.execute.policy import is_ready, may_approve, may_request
from firebreak.runbook.execute.prepare import prepare
from firebreak.runbook.execute.sources import Sources
from firebreak.runbook.model import Command
from firebreak.security.roles import Principal


@pytest.mark.parametrize(("text", "expected"), [
    ("kubectl exec -it redis-0 -- redis-cli info memory", "kubectl exec redis-0 -- redis-cli info memory"),
    ("docker exec -it db psql -U app -c 'SELECT 1'", "docker exec db psql -U app -c 'SELECT 1'"),
    ("kubectl logs -f <POD> | grep ERROR", "timeout -s INT 10 kubectl logs -f <POD> | grep ERROR"),
    ("tail -f /var/log/syslog", "timeout -s INT 10 tail -f /var/log/syslog"),
    ("top", "top -b -n 1"),
    ("kubectl get pods -n prod", "kubectl get pods -n prod"),
])
def test_adaptations(text: str, expected: str) -> None:
    adapted = adapt_step(text, ["<POD>"] if "<POD>" in text else [])
    assert isinstance(adapted, Adapted)
    assert adapted.text == expected
    assert bool(adapted.notes) == (text != expected)


@pytest.mark.parametrize(("text", "why"), [
    ("ssh root@<vps-ip>", "ssh"), ("kubectl exec -it postgres-0 -- bash", "interactive shell"),
    ("kubectl edit deployment api", "editor"), ("psql -U postgres", "no -c or -f"),
    ("redis-cli -h cache", "no command"), ("vim /etc/hosts", "editor"),
    ("kubectl port-forward svc/api 8080:80", "tunnel"),
])
def test_refusals_say_why(text: str, why: str) -> None:
    refused = adapt_step(text, ["<vps-ip>"] if "<vps-ip>" in text else [])
    assert isinstance(refused, Refused) and why in refused.reason


def test_watch_keeps_its_class_and_is_bounded() -> None:
    command = Command(text="watch -n 5 kubectl get pods -n <namespace>", language="bash", cls="interactive",
                      reason="", placeholders=["<namespace>"], line=1, phase=None)
    prepared = prepare(command, Sources(labels={"namespace": "prod"}))
    assert prepared.cls == "read-only" and prepared.bounded
    assert prepared.template.startswith("timeout -s INT 10 sh -c ")


def test_policy() -> None:
    alice, bob = Principal("alice", "responder"), Principal("bob", "responder")
    viewer, ingest = Principal("val", "viewer"), Principal("int", "ingest")
    assert may_request(alice).allowed and not may_request(viewer).allowed and not may_request(ingest).allowed
    assert not may_approve(alice, cls="destructive", requested_by="alice", approvals=[]).allowed
    assert may_approve(bob, cls="destructive", requested_by="alice", approvals=[]).allowed
    assert may_approve(alice, cls="mutating", requested_by="alice", approvals=[]).allowed
    assert not may_approve(viewer, cls="mutating", requested_by="alice", approvals=[]).allowed
    assert not may_approve(bob, cls="mutating", requested_by="alice", approvals=["bob"]).allowed
    assert not may_approve(bob, cls="read-only", requested_by="alice", approvals=[]).allowed
    assert not is_ready(cls="destructive", requested_by="alice", approvals=["alice"])
    assert is_ready(cls="destructive", requested_by="alice", approvals=["bob"])
    assert is_ready(cls="read-only", requested_by="alice", approvals=[])
