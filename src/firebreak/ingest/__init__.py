"""Ingest: source adapters that parse payloads into canonical alerts (parse only, no storage)."""
