"""Firebreak review."""
