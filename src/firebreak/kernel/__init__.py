"""Kernel: what every stage shares — settings, the clock, the error tree, structured logs, secret
redaction and owner-only files."""
