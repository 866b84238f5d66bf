"""All table models; importing this package completes `Base.metadata`."""

import firebreak.db.models.execution
import firebreak.db.models.runbook  # noqa: F401
from firebreak.db.models import changes, communicate, core, escalate, review, route, security  # noqa: F401
