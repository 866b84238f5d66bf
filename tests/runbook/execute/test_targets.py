"""Targets and label lookup, pure: where a step runs, how its client connects, what labels may fill."""

from __future__ import annotations

from pathlib import Path

import pytest

from firebreak.config.loader import parse_config
from firebreak.config.targets import TargetSpec
from firebreak.kernel.errors import ConfigError
from firebreak.runbook.commands.placeholders import find_placeholders
from firebreak.runbook.execute.execution import resolve_target
from firebreak.runbook.execute.fill import Blocked, Plan, fill_command
from firebreak.runbook.execute.prepare import fill_placed
from firebreak.runbook.execute.sources import Sources
from firebreak.runbook.execute.targets import NoTarget, Placement, Target, place_step

REDIS = Target("cache", "redis", connection="redis://:s3cret-redis-pw@10.0.0.7:6380/2", secrets=("s3cret",))
PG = Target("db", "postgres", connection="postgresql://app:pg-pw-77@10.0.0.8:5433/app")
HERE = Target("here", "local", env={"KUBECONFIG": "/etc/firebreak/kube"}, declared_env=frozenset({"KUBECONFIG"}))
BARE = Target("bare", "local")
HOSTILE = {"redis_url": "redis://127.0.0.1:56379", "host": "evil.example", "pg_dsn": "host=evil.example",
           "rds_endpoint": "evil.example", "redis_host": "evil.example", "role": "app"}


def placed(text: str, targets: list[Target], language: str = "bash") -> Placement | NoTarget | Blocked:
    return place_step(text, language, find_placeholders(text, language), targets, runbook="rb", service="svc")


def run_plan(text: str, targets: list[Target], labels: dict[str, str] | None = None) -> Plan | Blocked | NoTarget:
    where = placed(text, targets)
    if not isinstance(where, Placement):
        return where
    return fill_placed(where, "bash", Sources(labels=labels or HOSTILE, service="svc", label_names=frozenset({"role"})))


def test_targets_are_validated_with_file_line_and_field() -> None:
    text = """teams: [{name: t}]
services:
  - name: s
    team: t
    targets:
      - {name: a, kind: redis, url: "http://cache:6379"}
      - {name: a, kind: postgres}
      - {name: c, kind: local, url: "redis://x"}
      - {name: d, kind: ssh}
      - {name: e, kind: local, env: {"not a name": x}}
"""
    with pytest.raises(ConfigError) as caught:
        parse_config(text, file="fb.yaml")
    message = str(caught.value)
    assert "fb.yaml:6: services[0].targets[0]: url is not a Redis URL" in message
    assert "fb.yaml:7: services[0].targets[1]: a postgres target needs 'dsn'" in message
    assert "fb.yaml:8: services[0].targets[2]: a local target has no 'url'" in message
    assert "fb.yaml:9: services[0].targets[3].kind" in message
    assert "fb.yaml:10: services[0].targets[4].env: 'not a name' is not a valid environment variable name" in message
    twice = text.split("    targets:")[0] + "    targets:\n" + "      - {name: a, kind: local}\n" * 2
    with pytest.raises(ConfigError, match=r"fb.yaml:7: services\[0\].targets\[1\].name: duplicate name 'a'"):
        parse_config(twice, file="fb.yaml")


@pytest.mark.parametrize("name", ["redis_url", "PG_DSN", "rds-endpoint", "host", "instance", "api_port"])
def test_address_shaped_placeholders_can_never_be_given_to_labels(name: str) -> None:
    for where in (f"label_placeholders: [{name}]\n",
                  f"services: [{{name: s, team: t, label_placeholders: [{name}]}}]\n"):
        with pytest.raises(ConfigError, match="names an address"):
            parse_config("teams: [{name: t}]\n" + where)


def test_redis_cli_connects_to_its_target_whatever_the_labels_say() -> None:
    given = run_plan("redis-cli -u <redis_url> INFO memory", [REDIS])
    assert isinstance(given, Plan), given
    assert given.argv == ("redis-cli", "-u", "redis://10.0.0.7:6380/2", "INFO", "memory")
    assert given.values["<redis_url>"].source == "target"
    added = placed("redis-cli PING", [REDIS])
    assert isinstance(added, Placement) and added.env == {"REDISCLI_AUTH": "s3cret-redis-pw"}
    plan = run_plan("redis-cli PING", [REDIS])
    assert isinstance(plan, Plan) and plan.argv == ("redis-cli", "-u", "redis://10.0.0.7:6380/2", "PING")
    piped = run_plan("redis-cli -h $REDIS_HOST --scan | xargs -r -n 50 redis-cli TTL", [REDIS])
    assert isinstance(piped, Plan), piped
    assert piped.display == "redis-cli -h 10.0.0.7 --scan | xargs -r -n 50 redis-cli -u redis://10.0.0.7:6380/2 TTL"
    for own in ("redis-cli -h 10.9.9.9 PING", "redis-cli -u redis://other:6379 PING", "redis-cli -h db-<role> PING",
                "redis-cli -h $(cat /etc/cachehost) PING"):
        refused = placed(own, [REDIS])
        assert isinstance(refused, Blocked) and "redis-cli" in refused.reason, (own, refused)


def test_psql_connects_to_its_target_through_its_environment() -> None:
    where = placed('psql -h <RDS_ENDPOINT> -U postgres -c "SELECT 1"', [PG, HERE])
    assert isinstance(where, Placement) and where.target.name == "db"
    assert where.env["PGHOST"] == "10.0.0.8" and where.env["PGPORT"] == "5433" and where.env["PGPASSWORD"] == "pg-pw-77"
    plan = fill_placed(where, "bash", Sources(labels=HOSTILE, label_names=frozenset({"role"})))
    assert isinstance(plan, Plan) and plan.argv[:3] == ("psql", "-h", "10.0.0.8")
    dsn = run_plan('psql "$PG_DSN" -c "SELECT 1"', [PG])
    assert isinstance(dsn, Plan) and "pg-pw-77" not in dsn.display and "host=10.0.0.8" in dsn.argv[1]
    sql = place_step("SELECT 1", "sql", [], [PG], runbook="rb", service="svc")
    assert isinstance(sql, Placement) and sql.connection is not None
    assert isinstance(placed("psql -h prod-db -c 'SELECT 1'", [PG]), Blocked)
    assert isinstance(placed("psql 'host=prod-db' -c 'SELECT 1'", [PG]), Blocked)


def test_steps_without_a_fitting_target_are_only_proposed() -> None:
    assert "declares no execution target" in placed("uptime", []).reason  # type: ignore[union-attr]
    assert "no redis target" in placed("redis-cli PING", [PG, HERE]).reason  # type: ignore[union-attr]
    assert "no postgres target" in place_step("SELECT 1", "sql", [], [REDIS], runbook="rb",
                                              service="svc").reason  # type: ignore[union-attr]
    kube = placed("kubectl get pods -n prod", [BARE])
    assert isinstance(kube, NoTarget) and "KUBECONFIG" in kube.reason
    assert isinstance(placed("kubectl get pods -n prod", [BARE, HERE]), Placement)
    aws = placed("aws s3 ls", [HERE])
    assert isinstance(aws, NoTarget) and "AWS_PROFILE" in aws.reason
    assert isinstance(placed("mysql -e 'SELECT 1'", [HERE]), NoTarget)
    assert isinstance(placed("psql -c 'SELECT 1' | redis-cli -x SET k", [PG, REDIS]), NoTarget)
    inside = placed("kubectl exec pod -- sh -c 'psql -c 1'", [HERE])
    assert isinstance(inside, Placement) and inside.target.name == "here"  # psql runs in the pod


def test_tools_and_runbooks_choose_between_targets() -> None:
    aws = Target("aws", "local", env={"AWS_PROFILE": "ro"}, declared_env=frozenset({"AWS_PROFILE"}), tools=("aws",))
    only_other = Target("other", "local", runbooks=("another-runbook",))
    assert placed("aws ec2 describe-instances", [BARE, aws]).target.name == "aws"  # type: ignore[union-attr]
    assert placed("df -h", [aws, BARE]).target.name == "bare"  # type: ignore[union-attr]
    assert isinstance(placed("df -h", [only_other]), NoTarget)
    unset = Target("cache", "redis", unset=("url reads env:CACHE_URL: environment variable CACHE_URL is not set",))
    blocked = placed("redis-cli PING", [unset])
    assert isinstance(blocked, Blocked) and "CACHE_URL" in blocked.reason


def test_a_declared_variable_that_is_unset_is_never_filled_from_labels() -> None:
    sources = Sources(variables={"redis_url": None}, variable_refs={"redis_url": "env:FIREBREAK_DRILL_REDIS_URL"},
                      labels={"redis_url": "redis://127.0.0.1:56379", "pod": "api-1"}, service="redis")
    blocked = fill_command("echo <redis_url>", "bash", ["<redis_url>"], sources)
    assert isinstance(blocked, Blocked), blocked
    assert blocked.missing == ("<redis_url>",)
    assert "runbook variable 'redis_url'" in blocked.reason and "env:FIREBREAK_DRILL_REDIS_URL" in blocked.reason
    unset_pod = Sources(variables={"pod": None}, labels={"pod": "api-1"}, service="s")
    assert isinstance(fill_command("echo <pod>", "bash", ["<pod>"], unset_pod), Blocked)


def test_labels_fill_only_the_placeholders_the_configuration_allows() -> None:
    sources = Sources(labels={"pattern": "x", "pod": "api-1", "host": "evil.example"}, service="s",
                      label_names=frozenset({"pod"}))
    refused = fill_command("grep <pattern> log", "bash", ["<pattern>"], sources)
    assert isinstance(refused, Blocked) and "label_placeholders" in refused.reason
    allowed = fill_command("kubectl logs <POD_NAME>", "bash", ["<POD_NAME>"], sources)
    assert isinstance(allowed, Plan) and allowed.argv[-1] == "api-1"
    anyway = Sources(labels={"host": "evil.example", "endpoint_url": "http://evil"}, service="s")  # no allow-list
    for raw in ("<host>", "<endpoint_url>"):
        address = fill_command(f"curl {raw}", "bash", [raw], anyway)
        assert isinstance(address, Blocked) and "never fill it" in address.reason


def test_a_literal_target_password_is_never_shown_in_configuration_views() -> None:
    config = parse_config("teams: [{name: t}]\nservices: [{name: s, team: t, targets: [{name: a, kind: postgres, "
                          "dsn: 'postgresql://app:pw-in-file-31@db/app'}]}]\n")
    shown = config.services[0].model_dump(mode="json")["targets"][0]
    assert "pw-in-file-31" not in str(shown) and shown["dsn"].startswith("postgresql://app:")
    assert config.services[0].targets[0].dsn == "postgresql://app:pw-in-file-31@db/app"


def test_target_references_and_configuration_files_must_exist(tmp_path: Path) -> None:
    kubeconfig = tmp_path / "kubeconfig"
    spec = TargetSpec(name="k", kind="local", env={"KUBECONFIG": "env:KC", "TOKEN": "env:TOKEN"})
    missing = resolve_target(spec, {"KC": str(kubeconfig), "TOKEN": "t0ken-value"})
    assert missing.unset == (f"env KUBECONFIG names {kubeconfig}, which does not exist",)
    kubeconfig.write_text("apiVersion: v1\n")
    ready = resolve_target(spec, {"KC": str(kubeconfig), "TOKEN": "t0ken-value"})
    assert ready.unset == () and ready.env["KUBECONFIG"] == str(kubeconfig) and "t0ken-value" in ready.secrets
    unset = resolve_target(TargetSpec(name="c", kind="redis", url="env:CACHE_URL"), {})
    assert unset.connection is None and "CACHE_URL is not set" in unset.unset[0]
    with_password = resolve_target(TargetSpec(name="c", kind="redis", url="redis://:pw-91@h:6379/0"), {})
    assert with_password.secrets == ("pw-91", "redis://:pw-91@h:6379/0")
    assert with_password.address == "redis://h:6379/0"
