"""Drills: the report — timings, the fault before and after, each step with an output excerpt, pass/fail."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

EXCERPT_LINES = 8


@dataclass
class StepLine:
    """One step as the report shows it."""

    id: int
    command: int
    role: str
    cls: str
    status: str
    exit_code: int | None
    duration_ms: int | None
    display: str
    output: str


@dataclass
class Report:
    """Everything a drill observed."""

    drill: str
    runbook: str
    approved: bool
    fault_before: str = ""
    fault_after: str = ""
    incident_id: int | None = None
    timings: dict[str, float | None] = field(default_factory=dict)
    steps: list[StepLine] = field(default_factory=list)
    checks: dict[str, bool] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(self.checks.values()) and not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "passed": self.passed}

    def summary(self) -> str:
        verdict = "PASS" if self.passed else "FAIL"
        failed = [name for name, ok in self.checks.items() if not ok]
        return verdict + (f" ({', '.join(failed + self.problems)})" if failed or self.problems else "")

    def render(self) -> str:
        """The report as text for a terminal."""
        lines = [f"Drill {self.drill} — runbook {self.runbook} — incident {self.incident_id}",
                 f"  fault before: {self.fault_before or '-'}",
                 f"  fault after:  {self.fault_after or '-'}"]
        times = "  ".join(f"{name} {fmt(value)}" for name, value in self.timings.items())
        lines.append(f"  time to      {times}")
        lines.append("  steps:")
        for step in self.steps:
            lines.append(f"    #{step.id} {step.role:<12} [{step.cls}] {step.status} exit={step.exit_code} "
                         f"{step.duration_ms if step.duration_ms is not None else '-'} ms")
            lines.append(f"      $ {first_line(step.display)}")
            for out in step.output.splitlines()[:EXCERPT_LINES]:
                lines.append(f"      │ {out}")
        lines.append("  checks:")
        for name, ok in self.checks.items():
            lines.append(f"    [{'x' if ok else ' '}] {name}")
        for problem in self.problems:
            lines.append(f"    ! {problem}")
        lines.append(f"  result: {self.summary()}")
        return "\n".join(lines)


def fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}s"


def first_line(text: str) -> str:
    head = text.strip().splitlines()[0] if text.strip() else ""
    return head + (" …" if "\n" in text.strip() else "")
