"""Drills: run one drill end to end through the real HTTP paths of a Firebreak server.

The caller passes how to start that server (`StartServer`); the drill is only its HTTP client.

fault → alert (Alertmanager webhook) → incident opens, runbook matched, diagnostics run on their own →
mitigation requested by one responder and (with `approve`) approved by a second → fault checked
again → verification step → incident resolved → report. Everything the drill created is removed
whatever happens.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.orm import Session, sessionmaker

from firebreak.config.loader import parse_config
from firebreak.db.session import transaction
from firebreak.runbook.drills import results
from firebreak.runbook.drills.catalog import DrillSpec, examples_dir
from firebreak.runbook.drills.fault import Fault
from firebreak.runbook.drills.report import Report, StepLine
from firebreak.runbook.drills.target import DrillTarget, StartServer
from firebreak.runbook.intake.importer import import_paths
from firebreak.runbook.model import Runbook

DONE = frozenset({"succeeded", "failed", "timed_out", "blocked", "refused", "proposed", "rejected"})
WAIT_SECONDS = 60.0


def drill_config(fault: Fault) -> str:
    """The drill server's configuration (JSON is YAML): one team, the fault's service with its target."""
    return json.dumps({
        "severity_scale": "sev1-sev4", "teams": [{"name": "drills"}],
        "services": [{"name": fault.service, "team": "drills", "targets": [dict(fault.target())],
                      "label_placeholders": fault.label_placeholders()}],
        "default_route": {"team": "drills"}}, indent=2)


def phase_index(runbook: Runbook, kind: str) -> int | None:
    """The first command of the first phase of `kind` (mitigation, verification)."""
    kinds = {phase.name: phase.kind for phase in runbook.phases}
    return next((i for i, c in enumerate(runbook.commands) if kinds.get(c.phase or "") == kind), None)


def seconds_since(start: datetime, value: str | None) -> float | None:
    if not value:
        return None
    return round((datetime.fromisoformat(value.replace("Z", "+00:00")) - start).total_seconds(), 3)


def milestone(incident: dict[str, Any], name: str) -> str | None:
    """A lifecycle time of an incident as the API shows it."""
    stones = incident.get("milestones") or {}
    return stones.get(name) or stones.get(f"{name}_at") or incident.get(f"{name}_at")


def step_line(step: dict[str, Any], role: str) -> StepLine:
    output = step.get("stdout") or step.get("stderr") or step.get("error") or step.get("reason") or ""
    return StepLine(id=step["id"], command=step["command"], role=role, cls=step["class"], status=step["status"],
                    exit_code=step.get("exit_code"), duration_ms=step.get("duration_ms"),
                    display=step.get("display", ""), output=output)


class DrillRun:
    """One run of one drill."""

    def __init__(self, spec: DrillSpec, *, approve: bool, start_server: StartServer,
                 database_url: str | None = None) -> None:
        self.spec = spec
        self.start_server = start_server
        self.approve = approve
        self.database_url = database_url
        self.report = Report(drill=spec.name, runbook=spec.runbook, approved=approve)
        self.started_at = datetime.now(UTC)
        self.finished_at = self.started_at

    def run(self) -> Report:
        fault = self.spec.make()
        for key, value in fault.environment().items():
            os.environ.setdefault(key, value)
        with tempfile.TemporaryDirectory(prefix="firebreak-drill-") as scratch:
            server: DrillTarget | None = None
            try:
                fault.start()
                server = self.start_server(
                    config=parse_config(drill_config(fault), file=f"<drill {self.spec.name}>"),
                    data_dir=Path(scratch), runbooks=examples_dir(), database_url=self.database_url)
                self.exercise(fault, server)
            except (httpx.HTTPError, RuntimeError, OSError) as exc:
                self.report.problems.append(f"{type(exc).__name__}: {exc}")
            finally:
                fault.stop()
                if server is not None:
                    server.stop()
        self.finished_at = datetime.now(UTC)
        return self.report

    def exercise(self, fault: Fault, server: DrillTarget) -> None:
        report = self.report
        before = fault.observe()
        report.fault_before = before.detail
        report.checks["fault present before"] = before.faulty
        t0 = datetime.now(UTC)
        runbook = import_paths([examples_dir() / self.spec.file])[0]
        creds = server.credentials
        with httpx.Client(base_url=server.url, timeout=WAIT_SECONDS) as http:
            as_requester = {"Authorization": f"Bearer {creds.requester}"}
            as_approver = {"Authorization": f"Bearer {creds.approver}"}
            sent = http.post("/api/v1/alerts/alertmanager", headers={"Authorization": f"Bearer {creds.ingest}"},
                             json=alert_payload(fault))
            sent.raise_for_status()
            incident_id = sent.json()["results"][0]["incident_id"]
            report.incident_id = incident_id
            report.checks["alert opened an incident"] = incident_id is not None
            if incident_id is None:
                return
            diagnostics = wait_for_diagnostics(http, incident_id, as_requester)
            report.steps += [step_line(s, "diagnostic") for s in diagnostics]
            report.checks["runbook matched and diagnostics ran"] = bool(diagnostics)
            report.checks["diagnostics succeeded"] = bool(diagnostics) and all(
                s["status"] == "succeeded" for s in diagnostics)
            mitigation = self.mitigate(http, runbook, incident_id, as_requester, as_approver)
            after = fault.observe()
            report.fault_after = after.detail
            report.checks["fault gone after"] = not after.faulty
            check = phase_index(runbook, "verification")
            if check is not None:
                verified = http.post(f"/api/v1/incidents/{incident_id}/steps", headers=as_requester,
                                     json={"command": check}).json()
                report.steps.append(step_line(verified, "verification"))
                report.checks["verification succeeded"] = verified.get("status") == "succeeded"
            resolved = http.post(f"/api/v1/incidents/{incident_id}/transition", headers=as_requester,
                                 json={"status": "resolved", "reason": f"drill {self.spec.name}: fault gone"})
            incident = http.get(f"/api/v1/incidents/{incident_id}", headers=as_requester).json()
            report.checks["incident resolved"] = resolved.status_code == 200 and incident.get("status") == "resolved"
            report.timings = {
                "detect": seconds_since(t0, incident.get("created_at")),
                "diagnose": max((v for v in (seconds_since(t0, s.get("finished_at")) for s in diagnostics)
                                 if v is not None), default=None),
                "mitigate": seconds_since(t0, mitigation.get("finished_at")) if mitigation else None,
                "resolve": seconds_since(t0, milestone(incident, "resolved")),
            }

    def mitigate(self, http: httpx.Client, runbook: Runbook, incident_id: int, as_requester: dict[str, str],
                 as_approver: dict[str, str]) -> dict[str, Any] | None:
        """Request the runbook's mitigation as one responder; approve it as another when allowed to."""
        index = phase_index(runbook, "mitigation")
        if index is None:
            self.report.problems.append("the runbook has no mitigation command")
            return None
        asked = http.post(f"/api/v1/incidents/{incident_id}/steps", headers=as_requester, json={"command": index})
        step = asked.json()
        if asked.status_code != 201:
            self.report.problems.append(f"mitigation request refused: {step.get('detail')}")
            return None
        if self.approve:
            approved = http.post(f"/api/v1/steps/{step['id']}/approve", headers=as_approver)
            step = approved.json()
            if approved.status_code != 200:
                self.report.problems.append(f"approval refused: {step.get('detail')}")
                return None
        self.report.steps.append(step_line(step, "mitigation"))
        self.report.checks["mitigation approved and succeeded"] = step.get("status") == "succeeded"
        if not self.approve:
            self.report.problems.append(f"mitigation step {step['id']} awaits a second responder's approval "
                                        "(run the drill with --approve)")
        return step


def alert_payload(fault: Fault) -> dict[str, Any]:
    """An Alertmanager webhook (version 4) for the fault, as Alertmanager would send it."""
    labels = {"alertname": fault.alert_name, "service": fault.service, "severity": "critical",
              **fault.alert_labels()}
    now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    alert = {"status": "firing", "labels": labels,
             "annotations": {"summary": f"{fault.alert_name} on {fault.service} (drill)"},
             "startsAt": now, "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "",
             "fingerprint": f"drill-{fault.service}-{int(time.time() * 1000)}"}
    return {"receiver": "firebreak", "status": "firing", "alerts": [alert], "groupLabels": {"alertname":
            fault.alert_name}, "commonLabels": labels, "commonAnnotations": {}, "externalURL": "", "version": "4",
            "groupKey": f"{{}}:{{alertname=\"{fault.alert_name}\"}}", "truncatedAlerts": 0}


def wait_for_diagnostics(http: httpx.Client, incident_id: int, headers: dict[str, str]) -> list[dict[str, Any]]:
    """The incident's automatic steps once all of them have finished (or the wait ran out)."""
    deadline = time.monotonic() + WAIT_SECONDS
    automatic: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        steps = http.get(f"/api/v1/incidents/{incident_id}/steps", headers=headers).json()
        automatic = [s for s in steps if s.get("automatic")]
        if automatic and all(s["status"] in DONE for s in automatic):
            return automatic
        time.sleep(0.1)
    return automatic


def run_drill(spec: DrillSpec, *, approve: bool, start_server: StartServer,
              results_to: sessionmaker[Session] | None = None, database_url: str | None = None) -> Report:
    """Run a drill against a server `start_server` starts; store its result (per runbook) where
    `results_to` points, when given."""
    drill = DrillRun(spec, approve=approve, start_server=start_server, database_url=database_url)
    report = drill.run()
    if results_to is not None:
        with transaction(results_to) as session:
            results.record(session, drill=spec.name, runbook=spec.runbook, started_at=drill.started_at,
                           finished_at=drill.finished_at, passed=report.passed, approved=approve,
                           summary=report.summary(), report=report.to_dict())
    return report
