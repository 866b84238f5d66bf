"""Intake: Markdown runbook files read, split into scenarios, cut into command units and built into runbooks."""
