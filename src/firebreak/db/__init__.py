"""Firebreak db."""
