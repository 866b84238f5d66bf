"""Incident: the lifecycle transition table, roles, auto-resolve, the append-only hash-chained
timeline, incident storage (open, transition, severity, notes) and the incident events later stages
subscribe to."""
