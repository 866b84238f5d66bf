"""Review: may an incident close? Rule CLS-1 of the lifecycle — only after its review is complete (pure).

The severity's policy decides: `review: required` (the default) needs a review marked complete;
`review: optional` lets the incident close with a draft or without any review.
"""

from __future__ import annotations

from firebreak.route.severity import ReviewPolicy

RULE = "CLS-1"


def close_refusal(*, incident_id: int, severity: str | None, review_status: str | None,
                  policy: ReviewPolicy) -> str | None:
    """Why the incident may not close yet, or None when it may."""
    if policy == "optional" or review_status == "complete":
        return None
    state = "has no review yet" if review_status is None else "has a review still in draft"
    return (f"{RULE}: incident {incident_id} {state}; severity {severity or 'unset'} needs a post-incident review "
            "marked complete before the incident closes (edit it, then mark it complete)")
