"""Firebreak http/routes."""
