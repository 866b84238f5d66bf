"""The runbook library: every imported version stored, listed, searched and shown, as JSON-ready dicts."""
