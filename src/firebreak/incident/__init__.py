"""Incident: lifecycle transition table, roles, and the append-only hash-chained timeline."""
