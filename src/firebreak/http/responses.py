"""The API's default JSON response: every answer passes through secret redaction on its way out.

Whatever a route returns — stored alert labels, incident titles, rendered pages, configuration —
credentials in it are masked before the body is written. The few routes that hand over a new
credential on purpose (a created token, a console session's CSRF token) declare
`response_class=RevealingJSONResponse`.
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

from firebreak.kernel.redact import redact_value


class RedactedJSONResponse(JSONResponse):
    """JSON with secrets masked in every string and under every secret-named key."""

    def render(self, content: Any) -> bytes:
        return super().render(redact_value(content))


class RevealingJSONResponse(JSONResponse):
    """JSON as it is, for an answer whose purpose is to hand over a secret once."""
