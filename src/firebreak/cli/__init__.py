"""Firebreak cli."""
