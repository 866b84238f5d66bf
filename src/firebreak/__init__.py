"""Firebreak: self-hosted incident response, from alert to post-incident review."""

__version__ = "0.1.0"
