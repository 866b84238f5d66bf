"""HTTP edge: the FastAPI app and its routers (the REST API and the acknowledge page), problem+json
errors, and what guards every request: authentication, body and time limits, security headers, the
access log and the audit log."""
