"""Route cost per alert at 500 routes and 1,000 active silences (target: under 1 ms).

Builds a configuration with 500 routes (nested, regex and equality matchers, `continue`,
threshold rules), 1,000 active silences, maintenance windows and inhibition rules, then triages
a realistic mix of alerts: ones caught by early, middle and late routes, ones no route takes,
silenced ones, ones inhibited by 200 firing alerts. Prints the figures and writes
bench/results/route.json.

    python bench/route.py [--alerts 5000] [--routes 500] [--silences 1000]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from firebreak.config import parse_config
from firebreak.ingest.alert import Alert
from firebreak.route.decide import decide
from firebreak.route.matchers import parse_matchers
from firebreak.route.silences import Silence, SilenceIndex

NOW = datetime(2026, 6, 3, 12, 0, tzinfo=UTC)
ALERTNAMES = ["HighCpuUsage", "HighMemoryUsage", "HighErrorRate", "HighLatencyP95", "PodCrashLooping",
              "DiskFull", "CertificateExpiry", "QueueBacklog", "ServiceDown", "ReplicationLag"]


def build_config(routes: int) -> str:
    services = [f"svc-{i:03d}" for i in range(routes // 2)]
    lines = ["severity_scale: sev1-sev4",
             "teams:"] + [f"  - {{name: team-{t}, escalation_policy: policy-{t}}}" for t in range(10)]
    lines += ["escalation_policies:"] + [f"  - {{name: policy-{t}}}" for t in range(10)]
    lines += ["services:"] + [f"  - {{name: {s}, team: team-{i % 10}}}" for i, s in enumerate(services)]
    lines += [
        "routes:",
        "  - name: staging",
        "    match: {env: staging}",
        "    severity: SEV4",
        "    continue: true",
        "  - name: resources",
        "    matchers: ['alertname=~\"High(Cpu|Memory)Usage\"']",
        "    continue: true",
        "    severity_rules:",
        "      - {when: 'value > 70', severity: warning}",
        "      - {when: 'value > 85', severity: critical}",
    ]
    made = 2
    index = 0
    while made < routes:
        service = services[index % len(services)]
        # a parent per service with one nested route: two routes per service
        lines += [
            f"  - name: r-{service}",
            f"    match: {{service: {service}}}",
            f"    team: team-{index % 10}",
            "    routes:",
            f"      - name: r-{service}-db",
            f"        matchers: ['alertname=~\"ReplicationLag|DiskFull\"', 'cluster!=\"lab-{index}\"']",
            "        severity: SEV2",
        ]
        made += 2
        index += 1
    lines += [
        "default_route: {team: team-0, severity: SEV3}",
        "maintenance:",
        "  - {name: weekly, service: svc-007, rrule: 'FREQ=WEEKLY;BYDAY=SU;BYHOUR=2', duration: 1h, tz: Europe/London}",
        "  - {name: nightly, service: svc-011, cron: '0 1 * * *', duration: 2h, tz: UTC}",
        "inhibit:",
        "  - {name: outage, source: {alertname: ServiceDown}, target_matchers: ['severity=~\"warning|info\"'],"
        " equal: [service]}",
        "  - {name: cluster, source: {alertname: ClusterDown}, target: {severity: critical}, equal: [cluster]}",
    ]
    return "\n".join(lines) + "\n"


def build_silences(count: int, services: int, rng: random.Random) -> list[Silence]:
    silences = []
    for i in range(count):
        kind = i % 4
        if kind == 0:
            text = f'service="svc-{rng.randrange(services):03d}", instance="10.0.{i % 250}.{i % 7}:9100"'
        elif kind == 1:
            text = f'alertname="{rng.choice(ALERTNAMES)}", cluster="c-{i}"'
        elif kind == 2:
            text = f'instance=~"host-{i}.*", severity!="critical"'
        else:
            text = f'job="batch-{i}", team=~"team-[0-9]"'
        silences.append(Silence(id=f"s-{i}", matchers=parse_matchers(text), starts_at=NOW - timedelta(hours=1),
                                ends_at=NOW + timedelta(hours=rng.randint(1, 48)), created_by="bench",
                                comment="bench"))
    return silences


def build_alerts(count: int, services: int, rng: random.Random) -> list[Alert]:
    alerts = []
    for i in range(count):
        labels = {"alertname": rng.choice(ALERTNAMES), "instance": f"10.1.{i % 250}.{i % 13}:9100",
                  "job": "node", "cluster": f"c-{i % 5}", "severity": rng.choice(["critical", "warning", "info"])}
        roll = rng.random()
        if roll < 0.85:
            labels["service"] = f"svc-{rng.randrange(services):03d}"  # early, middle or late route
        elif roll < 0.95:
            labels["service"] = f"unknown-{i}"  # no route: default
        else:
            labels["env"] = "staging"
        alerts.append(Alert(source="bench", fingerprint=f"fp-{i}", status="firing", labels=labels,
                            annotations={"value": f"{rng.uniform(50, 99):.1f}"}, summary=labels["alertname"],
                            severity_hint=labels["severity"], starts_at=None, ends_at=None))
    return alerts


def firing_sources(services: int) -> list[Alert]:
    return [Alert(source="bench", fingerprint=f"down-{i}", status="firing",
                  labels={"alertname": "ServiceDown", "service": f"svc-{i * 7 % services:03d}"},
                  annotations={}, summary="down", severity_hint="critical", starts_at=None, ends_at=None)
            for i in range(200)]


def percentile(sorted_seconds: list[float], q: float) -> float:
    """The q-quantile of sorted timings, in milliseconds."""
    return sorted_seconds[min(len(sorted_seconds) - 1, int(q * len(sorted_seconds)))] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=5000)
    parser.add_argument("--routes", type=int, default=500)
    parser.add_argument("--silences", type=int, default=1000)
    args = parser.parse_args()
    rng = random.Random(7)  # reproducible load

    started = time.perf_counter()
    config = parse_config(build_config(args.routes), file="bench.yaml")
    load_ms = (time.perf_counter() - started) * 1000
    route_count = len(config.route_plan.root.walk()) - 1
    services = len(config.services)
    silences = build_silences(args.silences, services, rng)
    index_start = time.perf_counter()
    SilenceIndex(silences)
    index_ms = (time.perf_counter() - index_start) * 1000
    alerts = build_alerts(args.alerts, services, rng)
    firing = firing_sources(services)

    index = SilenceIndex(silences)
    modes = {"indexed": index, "list": silences}
    figures: dict[str, dict[str, float]] = {}
    outcomes = {"muted": 0, "inhibited": 0, "default_route": 0}
    for mode, given in modes.items():
        for alert in alerts[:500]:  # warm up
            decide(alert, config, NOW, silences=given, firing=firing)
        timings: list[float] = []
        total_start = time.perf_counter()
        for alert in alerts:
            begin = time.perf_counter()
            decision = decide(alert, config, NOW, silences=given, firing=firing)
            timings.append(time.perf_counter() - begin)
            if mode == "indexed":
                outcomes["muted"] += decision.muted_by is not None
                outcomes["inhibited"] += decision.inhibited_by is not None
                outcomes["default_route"] += decision.routes == ("default",)
        total = time.perf_counter() - total_start
        timings.sort()
        figures[mode] = {
            "mean_ms": round(statistics.fmean(timings) * 1000, 4),
            "p50_ms": round(percentile(timings, 0.50), 4),
            "p95_ms": round(percentile(timings, 0.95), 4),
            "p99_ms": round(percentile(timings, 0.99), 4),
            "max_ms": round(timings[-1] * 1000, 4),
            "alerts_per_second": round(len(alerts) / total),
        }
    explain_start = time.perf_counter()
    sample = alerts[:500]
    for alert in sample:
        decide(alert, config, NOW, silences=index, firing=firing, explain=True)
    explain_ms = (time.perf_counter() - explain_start) / len(sample) * 1000
    best = figures["indexed"]
    result = {
        "benchmark": "route cost per alert",
        "routes": route_count,
        "active_silences": len(silences),
        "firing_alerts_for_inhibition": len(firing),
        "alerts": len(alerts),
        "config_load_ms": round(load_ms, 1),
        "silence_index_build_ms": round(index_ms, 3),
        "indexed_silences": figures["indexed"],
        "silences_as_plain_list": figures["list"],
        "explain_mean_ms": round(explain_ms, 4),
        "outcomes": outcomes,
        "target_ms": 1.0,
        "meets_target": best["mean_ms"] < 1.0 and best["p95_ms"] < 1.0,
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    out = Path(__file__).parent / "results" / "route.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"route decision at {route_count} routes, {len(silences)} active silences, {len(firing)} firing alerts:")
    for mode, label in (("indexed", "silences indexed once"), ("list", "silences as a plain list")):
        f = figures[mode]
        print(f"  {label:<26} mean {f['mean_ms']} ms  p50 {f['p50_ms']} ms  p95 {f['p95_ms']} ms  "
              f"p99 {f['p99_ms']} ms  ({f['alerts_per_second']} alerts/s)")
    print(f"  with explanation: {result['explain_mean_ms']} ms per alert; config load {result['config_load_ms']} ms")
    print(f"  outcomes over {len(alerts)} alerts: {outcomes}")
    print(f"  target under 1 ms: {'met' if result['meets_target'] else 'NOT met'}  -> {out}")
    return 0 if result["meets_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
