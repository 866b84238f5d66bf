"""Runbook execution: fill a step's placeholders, apply the policy for its class, run it and record it."""
