"""Firebreak incident."""
