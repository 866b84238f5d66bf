"""Drills: create a real fault on a local service, let Firebreak run the runbook, prove the fault is gone."""
