"""Flows: orchestration across pipeline stages — receive (alerts to incidents, with group commit, and
the database reads the route decision needs), respond (status and severity changes), change events and
silence-expiry warnings; the edges call these."""
