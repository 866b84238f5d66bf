"""Firebreak http."""
