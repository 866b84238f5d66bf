"""Firebreak escalate."""
