"""Flows: orchestration across pipeline stages (receive, respond); the edges call these."""
