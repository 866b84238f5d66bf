"""Firebreak notify."""
