"""Notify: channels (console, log and every service apprise speaks), people's contact methods,
per-channel templates, signed acknowledge links, and the outbox that delivers each notification
with retries and backoff."""
