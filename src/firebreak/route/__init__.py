"""Firebreak route."""
