"""Firebreak ingest."""
