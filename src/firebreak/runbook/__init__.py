"""Runbooks: Markdown import, command classification, lint, matching to incidents and storage."""
