"""All table models; importing this package completes `Base.metadata`."""

from firebreak.db.models import core, paging, security, triage  # noqa: F401
