"""Firebreak db/models."""
