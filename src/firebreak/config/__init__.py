"""Firebreak config."""
