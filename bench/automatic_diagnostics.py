"""Automatic diagnostics with the example configuration: how many read-only checks would run, and where.

For every service of the example configuration and every runbook (the bundled ones and the seeds,
split into scenarios), each read-only command of a diagnostic phase is prepared exactly as incident
opening prepares it — adapted, placed on the service's declared targets, filled from an alert that
carries only `alertname`, `service` and `severity` — and counted when it would be queued to run.
Two environments: with the variables the example configuration references set (a deployment; the
kubeconfig and AWS config point at empty files here) and with none set (a fresh quickstart).

    python bench/automatic_diagnostics.py [--seeds DIR] [--output bench/results/automatic_diagnostics.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from firebreak.config.loader import default_config_path, load_config
from firebreak.config.models import Config
from firebreak.runbook.drills.catalog import examples_dir
from firebreak.runbook.execute.connect import find_uses
from firebreak.runbook.execute.diagnostics import diagnostic_indexes
from firebreak.runbook.execute.execution import service_vars
from firebreak.runbook.execute.fill import Plan
from firebreak.runbook.execute.prepare import prepare
from firebreak.runbook.execute.sources import Sources
from firebreak.runbook.execute.targets import NoTarget
from firebreak.runbook.intake.importer import import_paths
from firebreak.runbook.model import Runbook


class Holder:
    """The configuration in force, as the execution wiring reads it."""

    def __init__(self, config: Config) -> None:
        self.current = config


def first_tool(text: str) -> str:
    tools = find_uses(text).tools
    return tools[0] if tools else text.split()[0]


def count(config: Config, books: list[Runbook], environ: dict[str, str]) -> dict[str, Any]:
    holder = Holder(config)
    ran: set[tuple[str, int]] = set()
    pairs = 0
    outcomes: Counter[str] = Counter()
    by_tool: Counter[str] = Counter()
    for service in config.services:
        variables = service_vars(holder, service.name, environ)  # type: ignore[arg-type]
        if not variables.automatic:
            continue
        for book in books:
            labels = {"alertname": book.alert_names[0] if book.alert_names else "Alert", "service": service.name,
                      "severity": "critical"}
            sources = Sources(variables=dict(variables.values), secret_variables=variables.secret, labels=labels,
                              incident={"service": service.name, "severity": "SEV2"}, service=service.name,
                              label_names=variables.label_names, variable_refs=dict(variables.references))
            for index in diagnostic_indexes(book):
                prepared = prepare(book.commands[index], sources, targets=variables.targets, runbook=book.slug)
                outcome = prepared.outcome
                if prepared.cls == "read-only" and isinstance(outcome, Plan):
                    pairs += 1
                    if (book.slug, index) not in ran:
                        by_tool[first_tool(book.commands[index].text)] += 1
                    ran.add((book.slug, index))
                    outcomes["runs"] += 1
                elif isinstance(outcome, NoTarget):
                    outcomes["proposed (no target)"] += 1
                else:
                    outcomes[type(outcome).__name__.lower()] += 1
    total = sum(len(diagnostic_indexes(book)) for book in books)
    return {"read_only_diagnostics": total, "run_for_some_service": len(ran), "service_step_runs": pairs,
            "outcomes": dict(outcomes), "by_first_tool": dict(by_tool.most_common())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default="/work/shared/seeds")
    parser.add_argument("--output", default="bench/results/automatic_diagnostics.json")
    args = parser.parse_args()
    config = load_config(default_config_path())
    books = import_paths([examples_dir(), *([Path(args.seeds)] if Path(args.seeds).is_dir() else [])])
    with tempfile.TemporaryDirectory() as scratch:
        kubeconfig, aws = Path(scratch) / "kubeconfig", Path(scratch) / "aws-config"
        kubeconfig.write_text("apiVersion: v1\nkind: Config\n")
        aws.write_text("[profile kestrel-readonly]\n")
        deployed = {"FIREBREAK_DRILL_PG_DSN": "postgresql://postgres@127.0.0.1:5432/test",
                    "FIREBREAK_DRILL_REDIS_URL": "redis://127.0.0.1:6379/0",
                    "FIREBREAK_KUBECONFIG": str(kubeconfig), "FIREBREAK_AWS_CONFIG_FILE": str(aws)}
        results = {"runbooks": len(books), "with_references_set": count(config, books, deployed),
                   "with_nothing_set": count(config, books, {})}
    for name in ("with_references_set", "with_nothing_set"):
        part = results[name]
        print(f"{name}: {part['run_for_some_service']} of {part['read_only_diagnostics']} read-only diagnostics "
              f"run automatically for some service ({part['service_step_runs']} service×step runs); "
              f"outcomes {part['outcomes']}")
        print(f"  by first tool: {part['by_first_tool']}")
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps({"at": datetime.now(UTC).isoformat(), "machine": platform.platform(),
                                  **results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
