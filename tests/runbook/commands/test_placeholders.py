"""Placeholders in every form the seeds use, and none where the text is data or a keyword."""

from __future__ import annotations

import pytest

from firebreak.runbook.commands.placeholders import find_placeholders, placeholder_name
from tests.runbook.corpus import by_title


@pytest.mark.parametrize(("text", "expected"), [
    ("kubectl describe pod POD_NAME -n scorpius", ["POD_NAME"]),
    ("kubectl delete pod <POD_NAME>", ["<POD_NAME>"]),
    ("ssh root@<vps-ip>", ["<vps-ip>"]),
    ("redis-cli -h $REDIS_HOST info memory", ["$REDIS_HOST"]),
    ('curl -H "Authorization: Bearer ${TOKEN}" http://backend:4000/api', ["${TOKEN}"]),
    ("kubectl apply -f - <<EOF\nexcept:\n- SUSPICIOUS_IP/32\nEOF", ["SUSPICIOUS_IP"]),
    ("kubectl exec -it POD_NAME -- jcmd PID GC.run_finalization", ["POD_NAME", "PID"]),
    ("wget -qO- http://SERVICE_NAME:PORT/health", ["SERVICE_NAME", "PORT"]),
    ("tee -a issue_XXX_long_tx_sampling.csv", ["XXX"]),
    ("NODE_NAME=<instance label from alert>", ["<instance label from alert>"]),
    ("kubectl create secret docker-registry regcred --docker-server=...", ["..."]),
    ("kubectl -n $NAMESPACE logs $POD -c $CONTAINER", ["$NAMESPACE", "$POD", "$CONTAINER"]),
])
def test_placeholders_are_found_as_written(text: str, expected: list[str]) -> None:
    assert find_placeholders(text) == expected


@pytest.mark.parametrize("text", [
    """kubectl patch configmap app --patch '{"data":{"LOG_LEVEL":"DEBUG"}}'""",
    "kubectl set env deployment/api CIRCUIT_BREAKER_ENABLED=true",
    "curl -X POST http://svc/api -H 'Content-Type: application/json'",
    "kubectl get pods -A | grep OOMKilled",
    """awk -F"/" 'NR==1{ print $2 }'""",
    "aws cloudfront create-invalidation --distribution-id E123456789ABC --paths '/*'",
    "echo $HOME $PATH",
    "for p in a b; do echo $p; done",
    'psql -c "SELECT * FROM pg_stat_activity WHERE query = \'<IDLE>\'"',
])
def test_values_keywords_and_local_variables_are_not_placeholders(text: str) -> None:
    assert find_placeholders(text) == []


def test_sql_and_plain_units_find_their_own_forms() -> None:
    assert find_placeholders("select pg_cancel_backend(<pid>);", "sql") == ["<pid>"]
    assert find_placeholders("SELECT CURRENT_TIMESTAMP, now();", "sql") == []
    assert find_placeholders("auth <password>", "plain") == ["<password>"]
    assert find_placeholders("GET $KEY", "plain") == ["$KEY"]


def test_names_are_bare() -> None:
    assert [placeholder_name(p) for p in ("<vps-ip>", "${TOKEN}", "$REDIS_HOST", "POD_NAME")] == [
        "vps-ip", "TOKEN", "REDIS_HOST", "POD_NAME"]


def test_seed_commands_carry_their_placeholders() -> None:
    commands = by_title("000", "High CPU Utilization").commands
    assert [c.placeholders for c in commands] == [[], ["HIGH_CPU_POD"], ["HIGH_CPU_POD"], ["AFFECTED_SERVICE"]]
    cloudfront = by_title("002", "CloudFront/S3 Issues").commands
    assert cloudfront[1].placeholders == ["<BUCKET_NAME>"]
