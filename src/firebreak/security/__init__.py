"""Security: API tokens and ingest keys, console users, passwords and sessions, roles, the
hash-chained audit log, ingest rate limits, sign-in throttling, log redaction and secret references."""
