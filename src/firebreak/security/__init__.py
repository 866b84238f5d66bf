"""Security: API tokens, ingest keys, roles."""
