"""Firebreak runbook."""
